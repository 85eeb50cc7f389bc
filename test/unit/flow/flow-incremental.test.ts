import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceFlowState, SharedFlowState } from '../../../src/flow/device-flow-state.js';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { batchSize, DEFAULT_OWNERSHIP, diffDeviceState } from '../../../src/flow/flow-diff.js';
import { flowBody, flowIdentity } from '../../../src/flow/flow-key.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceBatch, DeviceState, FlowRule, GroupEntry, MeterEntry } from '../../../src/model/flow.js';

const A = '00000000000000a1';
const B = '00000000000000b2';
const DEVICES = [A, B];

/** Small identity spaces so owners collide on identities, groups and meters. */
const flowArb = fc.record({
  device: fc.constantFrom(...DEVICES),
  inPort: fc.integer({ min: 1, max: 6 }),
  out: fc.integer({ min: 1, max: 3 }),
  group: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  meter: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});
type FlowSpec = typeof flowArb extends fc.Arbitrary<infer T> ? T : never;

const ownerState = (owner: number, specs: readonly FlowSpec[]): DeviceState => {
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  const meters: MeterEntry[] = [];
  for (const s of specs) {
    // Group and meter ids are per owner, as the intent compiler allocates them, so owners never fight over them.
    const groupId = s.group === undefined ? undefined : owner * 10 + s.group;
    const meterId = s.meter === undefined ? undefined : owner * 10 + s.meter;
    if (groupId !== undefined)
      groups.push({ device: s.device, groupId, type: 'indirect', buckets: [{ actions: [{ type: 'output', port: s.out }] }] });
    if (meterId !== undefined) meters.push({ device: s.device, meterId, rateKbps: 1000 * s.out, burstKbits: 100 });
    flows.push({
      device: s.device,
      tableId: 0,
      priority: 100,
      match: { inPort: s.inPort },
      actions: groupId === undefined ? [{ type: 'output', port: s.out }] : [{ type: 'group', groupId }],
      ...(meterId === undefined ? {} : { meterId }),
      cookie: owner,
    });
  }
  return { flows, groups, meters };
};

const stepArb = fc.record({
  owner: fc.integer({ min: 1, max: 5 }),
  flows: fc.array(flowArb, { maxLength: 4 }),
  remove: fc.boolean(),
});

/** A batch as a comparable value: sorted identity:body strings per part. */
function canonical(b: DeviceBatch): Record<string, string[]> {
  const f = (xs: readonly FlowRule[]) => xs.map((x) => `${flowIdentity(x)}=${flowBody(x)}`).sort();
  const g = (xs: readonly GroupEntry[]) => xs.map((x) => `${x.groupId}:${JSON.stringify(x.buckets)}`).sort();
  const m = (xs: readonly MeterEntry[]) => xs.map((x) => `${x.meterId}:${x.rateKbps}`).sort();
  return {
    addFlows: f(b.addFlows),
    modifyFlows: f(b.modifyFlows),
    deleteFlows: f(b.deleteFlows),
    addGroups: g(b.addGroups),
    modifyGroups: g(b.modifyGroups),
    deleteGroups: g(b.deleteGroups),
    addMeters: m(b.addMeters),
    modifyMeters: m(b.modifyMeters),
    deleteMeters: m(b.deleteMeters),
  };
}

/**
 * One delta step of an owner holding `cur`: `step.flows` on device A added, the entries `step.keep`
 * does not keep removed; `next` is what the owner holds after it.
 */
function deltaOf(
  step: { readonly owner: number; readonly flows: readonly FlowSpec[]; readonly keep: readonly boolean[] },
  cur: DeviceState = { flows: [], groups: [], meters: [] },
): { add: DeviceState; remove: DeviceState; next: DeviceState } {
  const add = ownerState(
    step.owner,
    step.flows.filter((f) => f.device === A),
  );
  let i = 0;
  const pick = <T>(xs: readonly T[]) => xs.filter(() => !step.keep[i++ % step.keep.length]);
  const remove = { flows: pick(cur.flows), groups: pick(cur.groups), meters: pick(cur.meters) };
  const next: DeviceState = {
    flows: [...cur.flows.filter((x) => !remove.flows.includes(x)), ...add.flows],
    groups: [...cur.groups.filter((x) => !remove.groups.includes(x)), ...add.groups],
    meters: [...cur.meters.filter((x) => !remove.meters.includes(x)), ...add.meters],
  };
  return { add, remove, next };
}

/**
 * The incremental diff equals the full diff of desired against `actual`; the device confirms it and
 * then agrees with the desired state. Returns what the device has after the batch.
 */
function convergeChecked(state: DeviceFlowState, actual: DeviceState): DeviceState {
  const full = diffDeviceState(state.desired(), actual, DEFAULT_OWNERSHIP);
  const incremental = state.diffTouched();
  expect(canonical(incremental)).toEqual(canonical(full));
  state.commit(incremental);
  const after = applyTo(actual, incremental);
  expect(batchSize(diffDeviceState(state.desired(), after))).toBe(0);
  return after;
}

const canonicalState = (s: DeviceState) =>
  canonical({ ...diffDeviceState({ flows: [], groups: [], meters: [] }, s, DEFAULT_OWNERSHIP) });

describe('incremental convergence', () => {
  it('diffs of changed owners equal a full diff of the device, step after step', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const state = new DeviceFlowState(new SharedFlowState(DEFAULT_OWNERSHIP));
        // What the device has: starts with a stray managed rule and an unmanaged cookie-0 rule.
        let actual: DeviceState = ownerState(9, [{ device: A, inPort: 1, out: 3, group: undefined, meter: undefined }]);
        actual = { ...actual, flows: [...actual.flows, { ...actual.flows[0], match: { inPort: 99 }, cookie: 0 }] };
        state.commit(state.diffAll(actual));
        actual = applyTo(actual, diffDeviceState(state.desired(), actual));
        for (const step of steps) {
          const s = ownerState(
            step.owner,
            step.flows.filter((f) => f.device === A),
          );
          state.setOwner(`o${step.owner}`, step.remove ? undefined : s);
          actual = convergeChecked(state, actual);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('replacing an owner with many entries on the device (hashed, not scanned) diffs the same as a full diff', () => {
    // Long lists with repeated identities: more entries per owner than replace() scans.
    const manyArb = fc.record({
      device: fc.constant(A),
      inPort: fc.integer({ min: 1, max: 30 }),
      out: fc.integer({ min: 1, max: 3 }),
      group: fc.constant(undefined),
      meter: fc.constant(undefined),
    });
    const bigArb = fc.record({
      owner: fc.integer({ min: 1, max: 2 }),
      flows: fc.array(manyArb, { minLength: 10, maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(bigArb, { minLength: 2, maxLength: 8 }), (steps) => {
        const state = new DeviceFlowState(new SharedFlowState(DEFAULT_OWNERSHIP));
        let actual: DeviceState = { flows: [], groups: [], meters: [] };
        state.commit(state.diffAll(actual));
        for (const step of steps) {
          state.setOwner(`o${step.owner}`, ownerState(step.owner, step.flows));
          actual = convergeChecked(state, actual);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('changes by delta (make-before-break phases) diff the same as a full diff, duplicate identities included', () => {
    const deltaArb = fc.record({
      owner: fc.integer({ min: 1, max: 3 }),
      flows: fc.array(flowArb, { maxLength: 4 }),
      keep: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      whole: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(deltaArb, { minLength: 1, maxLength: 25 }), (steps) => {
        const state = new DeviceFlowState(new SharedFlowState(DEFAULT_OWNERSHIP));
        const mine = new Map<number, DeviceState>();
        let actual: DeviceState = { flows: [], groups: [], meters: [] };
        state.commit(state.diffAll(actual));
        for (const step of steps) {
          const { add, remove, next } = deltaOf(step, mine.get(step.owner));
          if (step.whole) state.setOwner(`o${step.owner}`, next);
          else state.changeOwner(`o${step.owner}`, add, remove);
          mine.set(step.owner, next);
          actual = convergeChecked(state, actual);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('changes while a batch is in flight, and failed batches, still diff the same as a full diff', () => {
    // Each step changes an owner (whole or by delta), then either lets the device confirm the batch
    // in flight, fails it (the device may have taken part of it: the next pass reads it back), or
    // keeps it in flight across the next change; the device may also lose entries (then audited).
    const stepArb = fc.record({
      owner: fc.integer({ min: 1, max: 3 }),
      flows: fc.array(flowArb, { maxLength: 4 }),
      keep: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      whole: fc.boolean(),
      outcome: fc.constantFrom('confirm', 'confirm', 'fail', 'in-flight'),
      partial: fc.boolean(),
      lose: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), (steps) => {
        const state = new DeviceFlowState(new SharedFlowState(DEFAULT_OWNERSHIP));
        const mine = new Map<number, DeviceState>();
        let actual: DeviceState = { flows: [], groups: [], meters: [] };
        let inFlight: DeviceBatch | undefined;
        const settle = (ok: boolean, partial: boolean) => {
          if (inFlight === undefined) return;
          if (ok) {
            actual = applyTo(actual, inFlight);
            state.commit(inFlight);
          } else {
            if (partial) actual = applyTo(actual, { ...inFlight, deleteFlows: [], deleteGroups: [], deleteMeters: [] });
            state.stale = true;
          }
          inFlight = undefined;
        };
        for (const step of steps) {
          const { add, remove, next } = deltaOf(step, mine.get(step.owner));
          // The change lands while the previous batch is still on its way.
          if (step.whole) state.setOwner(`o${step.owner}`, next);
          else state.changeOwner(`o${step.owner}`, add, remove);
          mine.set(step.owner, next);
          settle(step.outcome !== 'fail', step.partial);
          if (step.lose && inFlight === undefined) {
            // Entries deleted behind the controller's back, found by an audit (a read-back).
            actual = { ...actual, flows: actual.flows.filter((_, j) => j % 2 === 1) };
            state.stale = true;
          }
          const full = diffDeviceState(state.desired(), actual, DEFAULT_OWNERSHIP);
          const batch = state.stale ? state.diffAll(actual) : state.diffTouched();
          expect(canonical(batch)).toEqual(canonical(full));
          inFlight = batch;
          if (step.outcome !== 'in-flight') settle(step.outcome === 'confirm', step.partial);
        }
        settle(true, false);
        const last = state.stale ? state.diffAll(actual) : state.diffTouched();
        expect(canonical(last)).toEqual(canonical(diffDeviceState(state.desired(), actual, DEFAULT_OWNERSHIP)));
      }),
      { numRuns: 500 },
    );
  });

  it('through the service: random owner changes leave every fake table equal to the desired state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(stepArb, { maxLength: 4 }), { minLength: 1, maxLength: 8 }), async (rounds) => {
        const driver = new FakeDriver();
        for (const d of DEVICES) driver.connect(d);
        const fs = new FlowService({ auditIntervalMs: 0 });
        fs.registerDriver(driver);
        for (const round of rounds) {
          // Several changes per round: one coalesced pass, incremental after the first read.
          for (const step of round)
            fs.setDesired(
              `o${step.owner}`,
              step.remove ? { flows: [], groups: [], meters: [] } : ownerState(step.owner, step.flows),
            );
          const report = await fs.flush();
          for (const o of report.outcomes) expect(o.status).not.toBe('failed');
        }
        for (const d of DEVICES) {
          expect(canonicalState(driver.table(d).state())).toEqual(canonicalState(winners(fs.desiredState(d))));
        }
        fs.close();
      }),
      { numRuns: 100 },
    );
  });

  it('through the service: deltas that modify rules leave the same tables as whole states', async () => {
    // Each step removes some of the owner's flows, adds a successor (same match, new actions) for some
    // of them, in order or reversed, and new flows; a second service is given the resulting states whole.
    const deltaStepArb = fc.record({
      owner: fc.integer({ min: 1, max: 4 }),
      flows: fc.array(flowArb, { maxLength: 3 }),
      keep: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
      succeed: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }),
      reversed: fc.boolean(),
      out: fc.integer({ min: 1, max: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(deltaStepArb, { maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (rounds) => {
        const byDelta = new FakeDriver();
        const whole = new FakeDriver();
        for (const d of DEVICES) {
          byDelta.connect(d);
          whole.connect(d);
        }
        const fs = new FlowService({ auditIntervalMs: 0 });
        const ref = new FlowService({ auditIntervalMs: 0 });
        fs.registerDriver(byDelta);
        ref.registerDriver(whole);
        const held = new Map<number, DeviceState>();
        for (const round of rounds) {
          for (const step of round) {
            const cur = held.get(step.owner) ?? { flows: [], groups: [], meters: [] };
            let i = 0;
            const removed = cur.flows.filter(() => !step.keep[i++ % step.keep.length]);
            let j = 0;
            const successors = removed
              .filter(() => step.succeed[j++ % step.succeed.length])
              .map((f): FlowRule => ({ ...f, match: { ...f.match }, actions: [{ type: 'output', port: step.out }] }));
            if (step.reversed) successors.reverse();
            const fresh = ownerState(step.owner, step.flows);
            const add: DeviceState = { flows: [...successors, ...fresh.flows], groups: fresh.groups, meters: fresh.meters };
            const next: DeviceState = {
              flows: [...cur.flows.filter((f) => !removed.includes(f)), ...add.flows],
              groups: [...cur.groups, ...add.groups],
              meters: [...cur.meters, ...add.meters],
            };
            held.set(step.owner, next);
            fs.changeDesired(`o${step.owner}`, add, { flows: removed, groups: [], meters: [] });
            ref.setDesired(`o${step.owner}`, next);
          }
          for (const o of (await fs.flush()).outcomes) expect(o.status).not.toBe('failed');
          await ref.flush();
          for (const d of DEVICES) {
            const table = canonicalState(byDelta.table(d).state());
            expect(table).toEqual(canonicalState(whole.table(d).state()));
            expect(table).toEqual(canonicalState(winners(fs.desiredState(d))));
          }
        }
        fs.close();
        ref.close();
      }),
      { numRuns: 200 },
    );
  });

  it('reads a device back only on connect, after an error and on audit; otherwise sends only the delta', async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    let reads = 0;
    const read = driver.readState.bind(driver);
    driver.readState = (d) => {
      reads++;
      return read(d);
    };
    const fs = new FlowService({ auditIntervalMs: 0 });
    fs.registerDriver(driver);
    for (let i = 1; i <= 200; i++)
      fs.setDesired(
        `o${i}`,
        ownerState(
          i,
          [{ device: A, inPort: i, out: 1, group: undefined, meter: undefined }].map((s) => ({ ...s, inPort: i })),
        ),
      );
    await fs.flush();
    expect(reads).toBe(1);
    const writes = driver.table(A).writes;
    fs.setDesired('o7', ownerState(7, [{ device: A, inPort: 7, out: 2, group: undefined, meter: undefined }]));
    const report = await fs.flush();
    expect(report.outcomes).toEqual([{ device: A, status: 'applied', writes: 1 }]);
    expect(driver.table(A).writes - writes).toBe(1);
    expect(reads).toBe(1);
    driver.failNextApply(A, 'table full');
    fs.removeDesired('o8');
    expect((await fs.flush()).outcomes[0].status).toBe('failed');
    fs.removeDesired('o9');
    await fs.flush();
    expect(reads).toBe(2);
    expect(driver.table(A).flowCount()).toBe(198);
    await fs.audit([A]);
    expect(reads).toBe(3);
  });
});

/** The desired state with one entry per identity (the winner), as it should be on the device. */
function winners(s: DeviceState): DeviceState {
  const flows = new Map(s.flows.map((f) => [flowIdentity(f), f]));
  const groups = new Map(s.groups.map((g) => [g.groupId, g]));
  const meters = new Map(s.meters.map((m) => [m.meterId, m]));
  return { flows: [...flows.values()], groups: [...groups.values()], meters: [...meters.values()] };
}

function applyTo(s: DeviceState, b: DeviceBatch): DeviceState {
  const flows = new Map(s.flows.map((f) => [flowIdentity(f), f]));
  const groups = new Map(s.groups.map((g) => [g.groupId, g]));
  const meters = new Map(s.meters.map((m) => [m.meterId, m]));
  for (const f of [...b.addFlows, ...b.modifyFlows]) flows.set(flowIdentity(f), f);
  for (const f of b.deleteFlows) flows.delete(flowIdentity(f));
  for (const g of [...b.addGroups, ...b.modifyGroups]) groups.set(g.groupId, g);
  for (const g of b.deleteGroups) groups.delete(g.groupId);
  for (const m of [...b.addMeters, ...b.modifyMeters]) meters.set(m.meterId, m);
  for (const m of b.deleteMeters) meters.delete(m.meterId);
  return { flows: [...flows.values()], groups: [...groups.values()], meters: [...meters.values()] };
}
