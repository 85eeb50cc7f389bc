import { describe, expect, it } from 'vitest';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import { type Compiled, InstallSequencer } from '../../../src/intent/install-sequencer.js';
import type { DeviceState, FlowRule } from '../../../src/model/flow.js';

const DEVICES = ['0000000000000001', '0000000000000002', '0000000000000003', '0000000000000004'];

/** An intent's rules over `path` (device indexes) with `label`: ingress on the first, transit after. */
function compiled(cookie: number, label: number, path: readonly number[]): Compiled {
  const ingress: FlowRule[] = [
    {
      device: DEVICES[path[0]],
      tableId: 0,
      priority: 2000,
      match: { inPort: 1, ethType: 0x0800, ipv4Dst: `10.0.${cookie}.0/24` },
      actions: [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: label }, { type: 'output', port: 2 }],
      meterId: cookie,
      cookie,
    },
  ];
  const flows: FlowRule[] = path.slice(1).map((d) => ({
    device: DEVICES[d],
    tableId: 0,
    priority: 1000,
    match: { inPort: 3, vlanVid: label },
    actions: [{ type: 'output', port: 4 }],
    cookie,
  }));
  const meters = [{ device: DEVICES[path[0]], meterId: cookie, rateKbps: 1000 * label, burstKbits: 100 }];
  return { ingress, rest: { flows, groups: [], meters }, tunnels: [] };
}

/** A flow service over a fake driver, with the calls the sequencer makes counted. */
async function setup() {
  const driver = new FakeDriver();
  for (const d of DEVICES) driver.connect(d);
  const flows = new FlowService({ auditIntervalMs: 0 });
  flows.registerDriver(driver);
  await flows.flush();
  const calls = { set: 0, change: 0 };
  const counted = {
    setDesired: (owner: string, state: DeviceState) => {
      calls.set++;
      flows.setDesired(owner, state);
    },
    changeDesired: (...args: Parameters<FlowService['changeDesired']>) => {
      calls.change++;
      flows.changeDesired(...args);
    },
    flush: () => flows.flush(),
    isConverged: (d: string) => flows.isConverged(d),
    desiredVersion: (o: string) => flows.desiredVersion(o),
  };
  return { driver, flows, calls, seq: new InstallSequencer(counted, () => undefined) };
}

/** What the devices hold, comparable across runs. */
function tables(driver: FakeDriver): unknown {
  return DEVICES.map((d) => driver.table(d).state());
}

describe('install sequencer deltas', () => {
  it('starts a change from what it installed by a delta, and replaces the whole state when someone else changed it', async () => {
    const a = compiled(7, 100, [0, 1, 3]);
    const b = compiled(7, 101, [0, 2, 3]);
    const c = compiled(7, 102, [0, 1, 2, 3]);

    // Delta path: install a, move to b, move to c; only the first phase of the first install could be a
    // replacement, and it is not one either since the intent had nothing.
    const d = await setup();
    await d.seq.run([{ id: 'i', next: a }]);
    await d.seq.run([{ id: 'i', old: a, next: b }]);
    await d.seq.run([{ id: 'i', old: b, next: c }]);
    expect(d.calls).toEqual({ set: 0, change: 7 });

    // Someone else set the intent's state (to b's rules, as a reload would): the next change does not
    // trust what the sequencer installed and replaces the state in its first phase.
    const r = await setup();
    await r.seq.run([{ id: 'i', next: a }]);
    await r.seq.run([{ id: 'i', old: a, next: b }]);
    r.flows.setDesired('i', { flows: [...b.ingress, ...b.rest.flows], groups: [], meters: b.rest.meters });
    await r.seq.run([{ id: 'i', old: b, next: c }]);
    expect(r.calls).toEqual({ set: 1, change: 6 });

    // A change whose `old` is not what the sequencer installed (a held move's mix) replaces as well.
    const o = await setup();
    await o.seq.run([{ id: 'i', next: a }]);
    await o.seq.run([{ id: 'i', old: { ingress: a.ingress, rest: a.rest, tunnels: [] }, next: c }]);
    expect(o.calls).toEqual({ set: 1, change: 3 });

    // Every way ends with the same rules on the devices, the ones of c alone.
    expect(tables(r.driver)).toEqual(tables(d.driver));
    expect(tables(o.driver)).toEqual(tables(d.driver));
    const only = await setup();
    only.flows.setDesired('i', { flows: [...c.ingress, ...c.rest.flows], groups: [], meters: c.rest.meters });
    await only.flows.flush();
    expect(tables(only.driver)).toEqual(tables(d.driver));

    // Removal by delta leaves nothing, as a replacement with nothing does.
    await d.seq.run([{ id: 'i', old: c }]);
    expect(d.calls.set).toBe(0);
    expect(d.flows.desiredVersion('i')).toBe(0);
    expect(d.driver.totalFlows()).toBe(0);
  });

  it('forgets a move held for a device of an intent that is gone', async () => {
    const a = compiled(7, 100, [0, 1, 3]);
    const b = compiled(7, 101, [0, 2, 3]);
    const h = await setup();
    await h.seq.run([{ id: 'i', next: a }]);
    h.driver.disconnect(DEVICES[2]);
    // Phase A puts b's transit rule on device 2, which cannot confirm: the move is held there.
    const finished = await h.seq.run([{ id: 'i', old: a, next: b }]);
    expect(finished).toEqual([]);
    expect(h.seq.isHeld('i')).toBe(true);
    expect(h.seq.heldCompiled('i')).toBe(a);

    h.seq.forget('i');
    expect(h.seq.isHeld('i')).toBe(false);
    expect(h.seq.heldCompiled('i')).toBeUndefined();
    h.driver.connect(DEVICES[2]);
    await h.flows.flush();
    expect(await h.seq.resume()).toEqual([]);
  });
});
