import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../../../src/flow/fake-packet-tracer.js';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import type { IntentView } from '../../../src/intent/intent-types.js';
import { type CableSpec, type HostSpec, IntentHarness, ipv4 } from './intent-harness.js';

/**
 * A protected intent whose primary has three transit switches: s1 - s2 - s3 - s4 - s5 (1 ms a hop),
 * backup s1 - s6 - s5 (5 ms a hop). Link- and node-disjoint, so the primary is the chain.
 */
const CHAIN = {
  switches: ['s1', 's2', 's3', 's4', 's5', 's6'],
  cables: [
    { a: 's1', aPort: 2, b: 's2', bPort: 1, latencyMs: 1 },
    { a: 's2', aPort: 2, b: 's3', bPort: 1, latencyMs: 1 },
    { a: 's3', aPort: 2, b: 's4', bPort: 1, latencyMs: 1 },
    { a: 's4', aPort: 2, b: 's5', bPort: 1, latencyMs: 1 },
    { a: 's1', aPort: 3, b: 's6', bPort: 1, latencyMs: 5 },
    { a: 's6', aPort: 2, b: 's5', bPort: 2, latencyMs: 5 },
  ] as CableSpec[],
  hosts: [
    { id: 'h1', node: 's1', port: 1, address: '10.0.1.1/32', mac: '02:00:00:00:01:01' },
    { id: 'h5', node: 's5', port: 3, address: '10.0.5.5/32', mac: '02:00:00:00:05:05' },
  ] as HostSpec[],
};
const PRIMARY = ['s1', 's2', 's3', 's4', 's5'];
const FORWARD = ipv4('10.0.1.1', '10.0.5.5');
const REVERSE = ipv4('10.0.5.5', '10.0.1.1');

const req = (over: Partial<IntentRequest> = {}): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h5' },
  bandwidthMbps: 10,
  protection: 'node-disjoint',
  ...over,
});

async function protectedChain(): Promise<{ h: IntentHarness; intent: IntentView }> {
  const h = await IntentHarness.create(CHAIN);
  const { intent } = await h.intents.submit(req());
  expect(intent.state).toBe('installed');
  expect(intent.paths!.forward.primary.nodes).toEqual(PRIMARY);
  expect(intent.paths!.forward.backup!.nodes).toEqual(['s1', 's6', 's5']);
  expect(intent.paths!.reverse!.primary.nodes).toEqual([...PRIMARY].reverse());
  return { h, intent };
}

/** Kills both ends of a cable in the switches only: the controller is told nothing. */
function killPorts(h: IntentHarness, c: CableSpec, up = false): void {
  h.driver.setPortUp(h.dpidOf(c.a), c.aPort, up);
  h.driver.setPortUp(h.dpidOf(c.b), c.bPort, up);
}

/** Along `primary` to the switch before the cut at `cut`, back to the ingress, then over the backup. */
function repairedRoute(primary: readonly string[], cut: number, backupTail: readonly string[]): string[] {
  return [...primary.slice(0, cut + 1), ...primary.slice(0, cut).reverse(), ...backupTail];
}

function expectDelivered(t: TraceResult, endpoint: string, mac: string): void {
  expect(t.dropped).toEqual([]);
  expect(t.delivered).toHaveLength(1);
  expect(t.delivered[0].endpoint).toBe(endpoint);
  // Untagged at the host, addressed to it.
  expect(t.delivered[0].packet.vlans ?? []).toEqual([]);
  expect(t.delivered[0].packet.ethDst).toBe(mac);
}

describe('crankback: local repair of a protected intent without the controller', () => {
  it('allocates one crankback label per protected direction and compiles a group at every primary transit switch', async () => {
    const { h, intent } = await protectedChain();
    const l = intent.labels!;
    expect(l.forwardCrankback).toBeDefined();
    expect(l.reverseCrankback).toBeDefined();
    expect(new Set([l.forward, l.reverse, l.forwardCrankback, l.reverseCrankback]).size).toBe(4);
    // s3 is transit for both directions: one group per direction, each sending back through OFPP_IN_PORT.
    const s3 = h.driver.table(h.dpidOf('s3')).state();
    const fwdGroup = s3.groups.find((g) => g.groupId === l.forward)!;
    expect(fwdGroup).toEqual({
      device: h.dpidOf('s3'),
      groupId: l.forward,
      type: 'fast-failover',
      buckets: [
        { watchPort: 2, actions: [{ type: 'output', port: 2 }] },
        {
          watchPort: 1,
          actions: [
            { type: 'set-vlan-vid', vid: l.forwardCrankback },
            { type: 'output', port: 'in-port' },
          ],
        },
      ],
    });
    expect(s3.groups.map((g) => g.groupId).sort()).toEqual([l.forward, l.reverse].sort());
    // The backup's own switch has no crankback state.
    expect(h.driver.table(h.dpidOf('s6')).state().groups).toEqual([]);
  });

  for (const [i, cable] of CHAIN.cables.slice(0, 4).entries()) {
    it(`survives a cut of ${cable.a}-${cable.b} in both directions with no controller round trip`, async () => {
      const { h, intent } = await protectedChain();
      const before = h.driver.totalWrites();
      killPorts(h, cable);
      await h.intents.idle();

      const fwd = h.send('h1', FORWARD);
      expectDelivered(fwd, 'h5', '02:00:00:00:05:05');
      expect(fwd.hops.map((x) => x.node)).toEqual(repairedRoute(PRIMARY, i, ['s6', 's5']));
      // Frames on their way back carry the crankback label, one hop per switch passed twice.
      expect(fwd.hops.filter((x) => x.packet.vlans?.[0] === intent.labels!.forwardCrankback)).toHaveLength(i);

      const reversePrimary = [...PRIMARY].reverse();
      const rev = h.send('h5', REVERSE);
      expectDelivered(rev, 'h1', '02:00:00:00:01:01');
      expect(rev.hops.map((x) => x.node)).toEqual(repairedRoute(reversePrimary, 3 - i, ['s6', 's1']));
      expect(rev.hops.filter((x) => x.packet.vlans?.[0] === intent.labels!.reverseCrankback)).toHaveLength(3 - i);

      // Nothing was written: the switches repaired it on their own.
      expect(h.driver.totalWrites()).toBe(before);
      expect(h.intents.get(intent.id).state).toBe('installed');

      // The cable heals: traffic is back on the primary at once (fast-failover is revertive).
      killPorts(h, cable, true);
      expect(h.send('h1', FORWARD).hops.map((x) => x.node)).toEqual(PRIMARY);
      expect(h.send('h5', REVERSE).hops.map((x) => x.node)).toEqual(reversePrimary);
    });
  }

  it('drops rather than loops when the backup is cut as well', async () => {
    const { h } = await protectedChain();
    killPorts(h, CHAIN.cables[2]);
    killPorts(h, CHAIN.cables[5]);
    const t = h.send('h1', FORWARD);
    expect(t.delivered).toEqual([]);
    expect(t.hops.map((x) => x.node)).toEqual(['s1', 's2', 's3', 's2', 's1', 's6']);
    expect(t.dropped).toEqual([{ node: 's6', reason: 'output port 2 is down' }]);
  });

  it('leaves unprotected intents as they were: no crankback label, no groups, plain transit rules', async () => {
    const h = await IntentHarness.create(CHAIN);
    const { intent } = await h.intents.submit(req({ protection: 'none' }));
    const l = intent.labels!;
    expect(l).toEqual({ forward: l.forward, reverse: l.reverse, forwardMeter: l.forwardMeter, reverseMeter: l.reverseMeter });
    for (const d of h.driver.devices()) expect(h.driver.table(d).state().groups).toEqual([]);
    const s3 = h.driver.table(h.dpidOf('s3')).state().flows;
    expect(s3.map((f) => f.actions)).toEqual([[{ type: 'output', port: 2 }], [{ type: 'output', port: 1 }]]);
    killPorts(h, CHAIN.cables[2]);
    expect(h.send('h1', FORWARD).dropped).toEqual([{ node: 's3', reason: 'output port 2 is down' }]);
  });

  it('keeps rule and group counts linear in the path length', async () => {
    const { h, intent } = await protectedChain();
    const flows = h.driver.devices().flatMap((d) => h.driver.table(d).state().flows);
    const groups = h.driver.devices().flatMap((d) => h.driver.table(d).state().groups);
    const crankback = new Set([intent.labels!.forwardCrankback, intent.labels!.reverseCrankback]);
    // Per direction, 3 transit switches: a group each plus the ingress group; return rules at the
    // 2 transit switches that have a transit switch downstream, plus one at the ingress.
    expect(groups).toHaveLength(2 * (3 + 1));
    expect(flows.filter((f) => crankback.has(f.match.vlanVid))).toHaveLength(2 * (2 + 1));
    const withoutRepair = await IntentHarness.create(CHAIN);
    await withoutRepair.intents.submit(req({ protection: 'none' }));
    // The unprotected intent has the same classify, transit and egress rules; protection adds the
    // backup's transit and egress (2 per direction) and the crankback return rules.
    expect(flows.length - withoutRepair.driver.totalFlows()).toBe(2 * 2 + 2 * (2 + 1));
  });

  it('persists crankback labels, reloads them after a restart and frees them on reroute and withdraw', async () => {
    const { h, intent } = await protectedChain();
    const stored = () =>
      (h.db.prepare('SELECT label, direction FROM intent_labels ORDER BY label').all() as { label: number; direction: string }[])
        .map((r) => `${r.direction}:${r.label}`)
        .sort();
    const l = intent.labels!;
    expect(stored()).toEqual(
      [
        `forward:${l.forward}`,
        `reverse:${l.reverse}`,
        `forwardCrankback:${l.forwardCrankback}`,
        `reverseCrankback:${l.reverseCrankback}`,
        `forwardMeter:${l.forwardMeter}`,
        `reverseMeter:${l.reverseMeter}`,
      ].sort(),
    );
    const rulesBefore = h.driver.totalFlows();
    await h.restart();
    expect(h.intents.get(intent.id).labels).toEqual(l);
    expect(h.driver.totalFlows()).toBe(rulesBefore);

    // The controller hears of a cut: the reroute gets new labels and the old ones go everywhere.
    h.cut('s3', 's4');
    await h.intents.idle();
    const moved = h.intents.get(intent.id);
    expect(moved.paths!.forward.primary.nodes).toEqual(['s1', 's6', 's5']);
    const vids = new Set(
      h.driver.devices().flatMap((d) =>
        h.driver
          .table(d)
          .state()
          .flows.map((f) => f.match.vlanVid),
      ),
    );
    for (const old of [l.forward, l.reverse, l.forwardCrankback, l.reverseCrankback]) {
      expect(vids.has(old)).toBe(false);
      expect(stored().some((s) => !s.includes('Meter:') && s.endsWith(`:${old}`))).toBe(false);
    }

    await h.intents.withdraw(intent.id);
    expect(stored()).toEqual([]);
    expect(h.driver.totalFlows()).toBe(0);
  });
});
