import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import type { IntentView } from '../../../src/intent/intent-types.js';
import { TUNNEL_COOKIE_BASE } from '../../../src/intent/tunnel-registry.js';
import { SdncError } from '../../../src/model/errors.js';
import { arpRequest, type CableSpec, DIAMOND, IntentHarness, ipv4 } from './intent-harness.js';

/** The diamond with a third host behind s4, so intents differ by far end as well as by traffic. */
const NET = {
  ...DIAMOND,
  hosts: [...DIAMOND.hosts, { id: 'h3', node: 's4', port: 4, address: '10.0.4.3/32', mac: '02:00:00:00:04:03' }],
};
const IP: Record<string, string> = { h1: '10.0.1.1', h2: '10.0.4.2', h3: '10.0.4.3' };
const CABLES: readonly CableSpec[] = DIAMOND.cables;
const ACTIVE = new Set(['installing', 'installed', 'rerouting', 'degraded']);

type Action =
  | { kind: 'submit'; dst: 'h2' | 'h3'; proto: 1 | 6 | 17; port: number; protect: boolean; mbps: number; both: boolean }
  | { kind: 'withdraw'; pick: number }
  | { kind: 'cut' | 'restore'; cable: number }
  | { kind: 'restart' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      dst: fc.constantFrom('h2' as const, 'h3' as const),
      proto: fc.constantFrom(1 as const, 6 as const, 17 as const),
      port: fc.integer({ min: 1, max: 3 }),
      protect: fc.boolean(),
      mbps: fc.constantFrom(0, 10),
      both: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('cut' as const, 'restore' as const), cable: fc.nat(CABLES.length - 1) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function request(a: Extract<Action, { kind: 'submit' }>): IntentRequest {
  return {
    endpoints: { src: 'h1', dst: a.dst },
    bandwidthMbps: a.mbps,
    bidirectional: a.both,
    protection: a.protect ? 'link-disjoint' : 'none',
    match: a.proto === 1 ? { ipProto: 1 } : { ipProto: a.proto, dstPort: a.port },
  };
}

function packetOf(v: IntentView) {
  const m = v.spec.match;
  const dst = String(v.spec.dst);
  const ports = m?.dstPort === undefined ? {} : m.ipProto === 6 ? { tcpDst: m.dstPort } : { udpDst: m.dstPort };
  return { dst, packet: ipv4(IP.h1, IP[dst], { ipProto: m?.ipProto, ...ports }) };
}

/**
 * What must hold whatever happened before: every active intent's traffic and ARP arrive; every rule on every
 * switch belongs to an active intent or to a tunnel an active intent rides; the labels in use are those
 * of the active intents' tunnels, the meter ids in use one per policed direction.
 */
function check(h: IntentHarness): void {
  const active = h.intents.list().filter((v) => ACTIVE.has(v.state));
  const keys = new Set<number>();
  const tunnelLabels = new Set<number>();
  const held = new Set<number>();
  let meters = 0;
  for (const v of active) {
    keys.add(v.key);
    const l = v.labels!;
    for (const label of [l.forward, l.reverse]) if (label !== undefined) tunnelLabels.add(label);
    for (const label of [l.forward, l.reverse, l.forwardCrankback, l.reverseCrankback]) if (label !== undefined) held.add(label);
    meters += (l.forwardMeter === undefined ? 0 : 1) + (l.reverseMeter === undefined ? 0 : 1);
    const { dst, packet } = packetOf(v);
    expect(
      h.send('h1', packet).delivered.map((d) => d.endpoint),
      `${v.id} ${v.state}`,
    ).toEqual([dst]);
    const arp = h.send('h1', arpRequest(IP.h1, IP[dst])).delivered.map((d) => d.endpoint);
    expect(arp, `ARP of ${v.id}`).toEqual([dst]);
  }
  for (const d of h.driver.devices()) {
    for (const f of h.driver.table(d).state().flows) {
      const owned = keys.has(f.cookie) || tunnelLabels.has(f.cookie - TUNNEL_COOKIE_BASE);
      expect(owned, `rule cookie ${f.cookie} on ${d}`).toBe(true);
    }
  }
  expect(h.labels.used).toBe(held.size);
  expect(h.intents.usage().metersUsed).toBe(meters);
}

describe('shared tunnels under any sequence of requests, withdrawals, cuts and restarts', () => {
  it('keeps traffic delivered, rules owned, and labels and meters counted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 16 }), async (actions) => {
        const h = await IntentHarness.create(NET);
        const ids: string[] = [];
        const down = new Set<CableSpec>();
        for (const a of actions) {
          if (a.kind === 'submit') {
            try {
              ids.push((await h.intents.submit(request(a))).intent.id);
            } catch (err) {
              // The same traffic twice is refused before anything is taken.
              if (!(err instanceof SdncError) || err.code !== 'SDNC_ERR_INTENT_DUPLICATE') throw err;
            }
          } else if (a.kind === 'withdraw') {
            if (ids.length > 0) await h.intents.withdraw(ids.splice(a.pick % ids.length, 1)[0]);
          } else if (a.kind === 'cut' || a.kind === 'restore') {
            const c = CABLES[a.cable];
            if (a.kind === 'cut') {
              h.cut(c.a, c.b);
              down.add(c);
            } else {
              h.restore(c.a, c.b);
              down.delete(c);
            }
          } else {
            await h.restart();
            // The restarted controller learns from the switches which ports are down (discovery).
            for (const c of down) h.cut(c.a, c.b);
          }
          await h.intents.idle();
          check(h);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
