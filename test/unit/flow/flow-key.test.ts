import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowBody, flowIdentity, flowIdentityOf, sameFlowBody, sameIdentity } from '../../../src/flow/flow-key.js';
import type { FlowAction, FlowMatch, FlowRule } from '../../../src/model/flow.js';

const rule = (tableId: number, priority: number, match: FlowMatch): FlowRule => ({
  device: '0000000000000001',
  tableId,
  priority,
  match,
  actions: [],
  cookie: 1,
});

/**
 * Small value spaces around the edges of the packed range and of the compact form (numbers of 32 bits),
 * so identities collide and overflow.
 */
const matchArb: fc.Arbitrary<FlowMatch> = fc.record(
  {
    inPort: fc.constantFrom(0, 1, 2, 65534, 65535, 70000, 0xfffffffe, 0xffffffff, 2 ** 32, -1),
    vlanVid: fc.constantFrom(0, 1, 4095, 4096),
    ethType: fc.constantFrom(0x0800, 0x0806),
    ipv4Dst: fc.constantFrom('10.0.0.0/24', '10.0.1.0/24'),
    udpDst: fc.constantFrom(53, 4789),
  },
  { requiredKeys: [] },
);
const tableArb = fc.constantFrom(0, 1, 255, 256);
const priorityArb = fc.constantFrom(0, 100, 65535, 65536, 2 ** 32);

/** What identifies a flow entry, written out plainly: table, priority and the match's defined fields. */
const reference = (tableId: number, priority: number, m: FlowMatch): string =>
  JSON.stringify([
    tableId,
    priority,
    Object.entries(m)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  ]);

describe('flowIdentity', () => {
  it('is equal exactly when table, priority and match are', () => {
    fc.assert(
      fc.property(tableArb, priorityArb, matchArb, tableArb, priorityArb, matchArb, (t1, p1, m1, t2, p2, m2) => {
        const same = reference(t1, p1, m1) === reference(t2, p2, m2);
        expect(flowIdentity(rule(t1, p1, m1)) === flowIdentity(rule(t2, p2, m2))).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells every label-switching match apart at the edges of the packed range', () => {
    const seen = new Map<string | number, string>();
    for (const tableId of [0, 1, 254, 255, 256])
      for (const priority of [0, 1, 65534, 65535, 65536])
        for (const inPort of [undefined, 0, 1, 1021, 1022, 1023, 32766, 32767, 65533, 65534, 65535, 65536])
          for (const vlanVid of [undefined, 0, 1, 4094, 4095, 4096]) {
            const id = flowIdentity(rule(tableId, priority, { inPort, vlanVid }));
            const ref = reference(tableId, priority, { inPort, vlanVid });
            expect(seen.get(id) ?? ref).toBe(ref);
            seen.set(id, ref);
          }
    expect(seen.size).toBe(5 * 5 * 12 * 6);
  });

  it('stays exact past the (table, priority) pairs that get the short form', () => {
    // More pairs than the short form numbers: the later ones take the long form.
    const seen = new Map<string | number, string>();
    for (let priority = 0; priority < 300; priority++)
      for (const inPort of [undefined, 0, 1, 510, 511, 1022, 1023])
        for (const vlanVid of [undefined, 0, 4095]) {
          const id = flowIdentity(rule(7, priority, { inPort, vlanVid }));
          const ref = reference(7, priority, { inPort, vlanVid });
          expect(seen.get(id) ?? ref).toBe(ref);
          seen.set(id, ref);
          expect(flowIdentity(rule(7, priority, { vlanVid, inPort }))).toBe(id);
        }
    expect(seen.size).toBe(300 * 7 * 3);
  });

  it('ignores field order and fields present as undefined', () => {
    const a = rule(0, 100, { inPort: 3, vlanVid: 7 });
    const b = rule(0, 100, { vlanVid: 7, ethType: undefined, inPort: 3 });
    expect(flowIdentity(a)).toBe(flowIdentity(b));
    const c = rule(0, 100, { ipv4Dst: '10.0.0.0/24', ethType: 0x0800 });
    const d = rule(0, 100, { ethType: 0x0800, ipProto: undefined, ipv4Dst: '10.0.0.0/24' });
    expect(flowIdentity(c)).toBe(flowIdentity(d));
  });

  it('sameIdentity is true exactly when the identities are equal, and leaves them equal', () => {
    fc.assert(
      fc.property(tableArb, priorityArb, matchArb, tableArb, priorityArb, matchArb, (t1, p1, m1, t2, p2, m2) => {
        const a = rule(t1, p1, m1);
        const b = rule(t2, p2, { ...m2 });
        flowIdentity(a);
        const same = flowIdentity(rule(t1, p1, m1)) === flowIdentity(rule(t2, p2, m2));
        expect(sameIdentity(a, b)).toBe(same);
        expect(flowIdentity(b)).toBe(flowIdentity(rule(t2, p2, m2)));
      }),
      { numRuns: 2000 },
    );
  });

  it('a match object shared by rules of other tables and priorities gives each its own identity', () => {
    const shared: FlowMatch = { inPort: 1, ethType: 0x0800, ipv4Dst: '10.0.0.0/24' };
    const copy = (): FlowMatch => ({ ...shared });
    for (const [t, p] of [
      [0, 100],
      [1, 100],
      [0, 100],
      [0, 101],
      [65536, 101],
      [0, 101],
      [0, 65536 + 101],
      [0, 101],
      [2 ** 32, 101],
      [0, 101],
    ]) {
      expect(flowIdentityOf(t, p, shared)).toBe(flowIdentityOf(t, p, copy()));
      expect(flowIdentityOf(t, p, shared)).not.toBe(flowIdentityOf(t === 0 ? 1 : 0, p, copy()));
    }
  });

  it('flowIdentityOf gives the identity of a rule with that table, priority and match', () => {
    fc.assert(
      fc.property(tableArb, priorityArb, matchArb, (t, p, m) => {
        expect(flowIdentityOf(t, p, m)).toBe(flowIdentity(rule(t, p, m)));
      }),
    );
  });
});

describe('flowIdentity once string values no longer get numbers', () => {
  it('stays exact for matches of values seen before and after, and mixes of both', () => {
    const early = ['10.0.0.0/24', '10.0.1.0/24'];
    for (const v of early) flowIdentityOf(0, 100, { ipv4Dst: v });
    // Enough distinct values to use up the numbers for string values (2^18); later values get none.
    for (let i = 0; i < 1 << 18; i++) flowIdentityOf(0, 100, { ipv4Src: `192.0.${i}` });
    const values = [...early, '10.9.0.0/24', '10.9.1.0/24'];
    const matchOf = fc.record(
      { ipv4Src: fc.constantFrom(...values), ipv4Dst: fc.constantFrom(...values), udpDst: fc.constantFrom(0, 53, 2 ** 32) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(priorityArb, matchOf, priorityArb, matchOf, (p1, m1, p2, m2) => {
        const same = reference(0, p1, m1) === reference(0, p2, m2);
        expect(flowIdentity(rule(0, p1, m1)) === flowIdentityOf(0, p2, { ...m2 })).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sameFlowBody', () => {
  /** Small value spaces, so that equal bodies are frequent. */
  const actionArb: fc.Arbitrary<FlowAction> = fc.oneof(
    fc.record({ type: fc.constant('output' as const), port: fc.constantFrom(1, 2, 'controller' as const, 'in-port' as const) }),
    fc.record({ type: fc.constant('group' as const), groupId: fc.constantFrom(1, 2) }),
    fc.record({ type: fc.constant('push-vlan' as const), ethType: fc.constantFrom(undefined, 0x8100, 0x88a8) }),
    fc.constant({ type: 'pop-vlan' as const }),
    fc.record({ type: fc.constant('set-vlan-vid' as const), vid: fc.constantFrom(1, 2) }),
    fc.record({ type: fc.constant('push-mpls' as const), ethType: fc.constantFrom(undefined, 0x8847, 0x8848) }),
    fc.record({ type: fc.constant('pop-mpls' as const), ethType: fc.constantFrom(0x0800, 0x86dd) }),
    fc.record({ type: fc.constant('set-mpls-label' as const), label: fc.constantFrom(16, 17) }),
    fc.record({
      type: fc.constantFrom('set-eth-src' as const, 'set-eth-dst' as const),
      mac: fc.constantFrom('02:00:00:00:00:01', '02:00:00:00:00:02'),
    }),
    fc.record({ type: fc.constant('set-queue' as const), queueId: fc.constantFrom(0, 1) }),
    fc.constant({ type: 'dec-ttl' as const }),
  );
  const ruleArb = fc
    .record(
      {
        actions: fc.array(actionArb, { maxLength: 3 }),
        meterId: fc.constantFrom(undefined, 0, 1),
        cookie: fc.constantFrom(1, 2),
        idleTimeoutS: fc.constantFrom(undefined, 0, 5),
        hardTimeoutS: fc.constantFrom(undefined, 0, 5),
      },
      { requiredKeys: ['actions', 'cookie'] },
    )
    .map((r): FlowRule => ({ ...rule(0, 1, { inPort: 1 }), ...r }));

  /** The same action written another way (a default spelled out or left out), or itself. */
  const twin = (x: FlowAction): FlowAction => {
    if (x.type === 'push-vlan') return { type: 'push-vlan', ethType: x.ethType === undefined ? 0x8100 : undefined };
    if (x.type === 'push-mpls') return { type: 'push-mpls', ethType: x.ethType === undefined ? 0x8847 : undefined };
    return { ...x };
  };
  /** `r` rewritten: equal bodies written differently, or one field or action changed. */
  const variantArb = (r: FlowRule) =>
    fc.oneof(
      fc.constant<FlowRule>({
        ...r,
        actions: r.actions.map(twin),
        meterId: r.meterId === undefined ? 0 : r.meterId === 0 ? undefined : r.meterId,
        idleTimeoutS: r.idleTimeoutS ?? 0,
        hardTimeoutS: r.hardTimeoutS === 0 ? undefined : r.hardTimeoutS,
      }),
      ruleArb.map((o): FlowRule => ({ ...r, actions: o.actions })),
      ruleArb.map((o): FlowRule => ({ ...r, cookie: o.cookie, meterId: o.meterId })),
      ruleArb,
    );

  it('says equal exactly when flowBody does', () => {
    fc.assert(
      fc.property(
        ruleArb.chain((a) => fc.tuple(fc.constant(a), variantArb(a))),
        ([a, b]) => {
          expect(sameFlowBody(a, b)).toBe(flowBody(a) === flowBody(b));
          expect(sameFlowBody(b, a)).toBe(flowBody(a) === flowBody(b));
          expect(sameFlowBody(a, a)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
