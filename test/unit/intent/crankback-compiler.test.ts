import { describe, expect, it } from 'vitest';
import { needsCrankback } from '../../../src/intent/crankback-compiler.js';
import { compileIntent } from '../../../src/intent/intent-compiler.js';
import { acquireLabels, releaseLabels } from '../../../src/intent/intent-labels.js';
import { LabelAllocator, MAX_LABEL, MIN_LABEL } from '../../../src/intent/label-allocator.js';
import { MeterIds } from '../../../src/intent/meter-ids.js';
import { TunnelRegistry } from '../../../src/intent/tunnel-registry.js';
import type { CompileTopology } from '../../../src/intent/tunnel-shape.js';
import type { Path } from '../../../src/model/path.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { decodeMessage, encodeMessage, type OfpGroupMod, type OfpMessage } from '../../../src/southbound/openflow/codec/index.js';
import { groupMod } from '../../../src/southbound/openflow/openflow-flow-compiler.js';
import { groupFromDesc } from '../../../src/southbound/openflow/openflow-state-reader.js';
import { link as testLink } from '../path/support/graph-builder.js';

/** OFPP_IN_PORT (OpenFlow 1.3 section 7.2.1, ofp_port_no). */
const OFPP_IN_PORT = 0xfffffff8;

/**
 * A chain c0 - c1 - ... - cn (port 2 towards the next switch, port 1 towards the previous one) and a
 * backup c0 - b - cn (c0 port 3, cn port 3). Hosts on port 9 of c0 and cn.
 */
function chain(n: number, modelOnly: readonly number[] = []): { topo: CompileTopology; primary: Path; backup: Path } {
  const nodes = new Map<string, TopoNode>();
  const links = new Map<string, TopoLink>();
  const node = (id: string, dp?: number) =>
    nodes.set(id, {
      id,
      kind: 'switch',
      name: id,
      provider: 'p',
      jurisdiction: 'DE',
      operUp: true,
      ...(dp === undefined ? {} : { datapathId: dp.toString(16).padStart(16, '0') }),
    });
  const link = (id: string, src: string, srcPort: number, dst: string, dstPort: number) =>
    links.set(id, testLink({ id, src, srcPort, dst, dstPort, latencyMs: 1, provider: 'p' }));
  for (let i = 0; i <= n; i++) node(`c${i}`, modelOnly.includes(i) ? undefined : i + 1);
  node('b', 100);
  const primaryLinks: string[] = [];
  for (let i = 0; i < n; i++) {
    link(`l${i}`, `c${i}`, 2, `c${i + 1}`, 1);
    primaryLinks.push(`l${i}`);
  }
  link('b0', 'c0', 3, 'b', 1);
  link('b1', 'b', 2, `c${n}`, 3);
  const path = (ns: string[], ls: string[]): Path => ({
    nodes: ns,
    links: ls,
    latencyMs: ls.length,
    cost: ls.length,
    energyJPerGbit: 0,
    hops: ls.length,
    bottleneckMbps: 1000,
  });
  return {
    topo: { findNode: (id) => nodes.get(id), findLink: (id) => links.get(id) },
    primary: path(
      Array.from({ length: n + 1 }, (_, i) => `c${i}`),
      primaryLinks,
    ),
    backup: path(['c0', 'b', `c${n}`], ['b0', 'b1']),
  };
}

function compileChain(n: number, crankback: boolean, modelOnly: readonly number[] = []) {
  const { topo, primary, backup } = chain(n, modelOnly);
  const host = (node: string, prefix: string) => ({ endpoint: node, node, port: 9, prefixes: [prefix] });
  const r = compileIntent(
    {
      cookie: 7,
      bandwidthMbps: 0,
      directions: [
        {
          from: [host('c0', '10.0.0.1/32')],
          to: [host(`c${n}`, '10.0.0.2/32')],
          primary,
          backup,
          label: 100,
          ...(crankback ? { crankbackLabel: 101 } : {}),
        },
      ],
    },
    topo,
  );
  if (!r.ok) throw new Error(r.reason.message);
  return r;
}

describe('crankback compilation', () => {
  it('adds exactly one group and at most two rules per transit switch, for any chain length', () => {
    for (let n = 2; n <= 12; n++) {
      const plain = compileChain(n, false);
      const repaired = compileChain(n, true);
      const transit = n - 1;
      // Transit rules are replaced one for one (output -> group), plus one return rule per transit
      // switch but the last, plus the ingress rule onto the backup.
      expect(repaired.flows.length - plain.flows.length).toBe(transit);
      expect(repaired.groups.length - plain.groups.length).toBe(transit);
    }
  });

  it('sends frames back from every transit switch and onto the backup at the ingress', () => {
    const r = compileChain(3, true);
    const dp = (i: number) => (i + 1).toString(16).padStart(16, '0');
    const back = r.flows.filter((f) => f.match.vlanVid === 101);
    expect(back.map((f) => [f.device, f.match.inPort, f.actions])).toEqual([
      [dp(1), 2, [{ type: 'output', port: 1 }]],
      [
        dp(0),
        2,
        [
          { type: 'set-vlan-vid', vid: 100 },
          { type: 'output', port: 3 },
        ],
      ],
    ]);
    const transit = r.flows.filter((f) => f.device === dp(2) && f.match.vlanVid === 100);
    expect(transit.map((f) => f.actions)).toEqual([[{ type: 'group', groupId: 100 }]]);
  });

  it('skips model-only transit nodes: the switches either side of them still repair', () => {
    // c2 has no datapath (a provider wave service): crankback from c3 crosses it back to c1.
    const r = compileChain(4, true, [2]);
    const groupDevices = r.groups.map((g) => Number.parseInt(g.device, 16) - 1).sort();
    expect(groupDevices).toEqual([0, 1, 3]);
    expect(r.flows.filter((f) => f.match.vlanVid === 101).map((f) => Number.parseInt(f.device, 16) - 1)).toEqual([1, 0]);
  });

  it('needs a backup leaving the ingress on another link and a transit node', () => {
    const { primary, backup } = chain(3);
    expect(needsCrankback(primary, backup)).toBe(true);
    expect(needsCrankback(primary, undefined)).toBe(false);
    expect(needsCrankback(chain(1).primary, chain(1).backup)).toBe(false);
    expect(needsCrankback(primary, { ...backup, links: ['l0', 'x'] })).toBe(false);
  });

  it('puts the crankback bucket on the wire as set-field VLAN + output OFPP_IN_PORT and reads it back', () => {
    const g = compileChain(2, true).groups.find((x) => x.device !== '0000000000000001')!;
    const wire = decodeMessage(encodeMessage({ ...(groupMod(g.device, g, 0) as object), xid: 1 } as OfpMessage)) as OfpGroupMod;
    expect(wire.buckets.map((b) => b.watchPort)).toEqual([2, 1]);
    expect(wire.buckets[1].actions.at(-1)).toMatchObject({ port: OFPP_IN_PORT });
    expect(groupFromDesc(g.device, wire)).toEqual({ ok: true, value: g });
  });
});

describe('intent labels with crankback', () => {
  const need = (key: string, crankback: boolean) => ({ key, crankback, shape: { ingress: '0000000000000001' } });

  it('takes four labels for a protected bidirectional intent and gives them all back', () => {
    const pool = new LabelAllocator();
    const tunnels = new TunnelRegistry(pool);
    const meters = new MeterIds();
    const r = acquireLabels(tunnels, meters, 5, need('f', true), need('r', true), true);
    if (!r.ok) throw new Error(r.reason.message);
    expect(pool.used).toBe(4);
    expect(meters.used).toBe(2);
    expect(new Set([r.labels.forward, r.labels.forwardCrankback, r.labels.reverse, r.labels.reverseCrankback]).size).toBe(4);
    releaseLabels(tunnels, meters, 5, r.labels, r.places);
    expect(pool.used).toBe(0);
    expect(meters.used).toBe(0);
  });

  it('shares a tunnel between intents with the same key, and frees it with the last one', () => {
    const pool = new LabelAllocator();
    const tunnels = new TunnelRegistry(pool);
    const meters = new MeterIds();
    const open = acquireLabels(tunnels, meters, 5, need('f', true), undefined, true);
    if (!open.ok) throw new Error(open.reason.message);
    // Only a compiled tunnel can be joined.
    const t = tunnels.get(open.labels.forward)!;
    tunnels.compiled(t, 'f', { flows: [], groups: [], meters: [] }, []);
    const join = acquireLabels(tunnels, meters, 6, need('f', true), undefined, true);
    if (!join.ok) throw new Error(join.reason.message);
    expect(join.labels.forward).toBe(open.labels.forward);
    expect(join.labels.forwardCrankback).toBe(open.labels.forwardCrankback);
    // The same switch polices both: two meter ids.
    expect(join.labels.forwardMeter).not.toBe(open.labels.forwardMeter);
    expect(pool.used).toBe(2);
    releaseLabels(tunnels, meters, 5, open.labels, open.places);
    expect(pool.used).toBe(2);
    releaseLabels(tunnels, meters, 6, join.labels, join.places);
    expect(pool.used).toBe(0);
    expect(tunnels.size).toBe(0);
  });

  it('is all or nothing when the pool runs out', () => {
    const pool = new LabelAllocator();
    for (let i = MIN_LABEL; i <= MAX_LABEL - 3; i++) pool.allocate(1);
    expect(pool.free).toBe(3);
    const tunnels = new TunnelRegistry(pool);
    const meters = new MeterIds();
    const r = acquireLabels(tunnels, meters, 2, need('f', true), need('r', true), true);
    expect(r.ok ? r : r.reason.code).toBe('labels-exhausted');
    expect(pool.free).toBe(3);
    expect(meters.used).toBe(0);
    const unprotected = acquireLabels(tunnels, meters, 2, need('u', false), undefined, false);
    expect(unprotected.ok && unprotected.labels).toEqual({ forward: expect.any(Number) });
  });
});
