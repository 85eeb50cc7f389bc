import { describe, expect, it } from 'vitest';
import type { DeviceBatch } from '../../../src/model/flow.js';
import { type CableSpec, DIAMOND, IntentHarness, ipv4 } from './intent-harness.js';

/** The diamond plus a slower third way round: s1 -(3 ms)- s5 -(3 ms)- s4. */
const KITE = {
  switches: ['s1', 's2', 's3', 's4', 's5'],
  cables: [
    ...DIAMOND.cables,
    { a: 's1', aPort: 4, b: 's5', bPort: 1, latencyMs: 3, provider: 'telco-c' },
    { a: 's5', aPort: 2, b: 's4', bPort: 4, latencyMs: 3, provider: 'telco-c' },
  ] as CableSpec[],
  hosts: DIAMOND.hosts,
};

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const h1ToH2 = ipv4('10.0.1.1', '10.0.4.2');

/** Makes the device's next apply() wait until the returned function is called (a slow barrier reply). */
function slowDevice(h: IntentHarness, device: string): { release: () => void; started: () => boolean } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let started = false;
  const apply = h.driver.apply.bind(h.driver);
  h.driver.apply = async (d: string, batch: DeviceBatch) => {
    if (d === device && !started) {
      started = true;
      await gate;
    }
    return apply(d, batch);
  };
  return { release, started: () => started };
}

describe('make-before-break with slow and unreachable switches', () => {
  it('moves the ingress only after a slow switch on the new path confirmed its rules', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    const slow = slowDevice(h, h.dpidOf('s3'));
    const ingressWrites = h.driver.table(h.dpidOf('s1')).writes;
    h.cut('s1', 's2');
    await tick(20);
    expect(slow.started()).toBe(true);
    // s3 has not confirmed: the ingress still tags for the old path (dropped at the cut, not inside s3).
    expect(h.intents.get(intent.id).state).toBe('rerouting');
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1']);
    const s1Before = h.driver.table(h.dpidOf('s1')).writes;
    expect(s1Before - ingressWrites).toBeLessThanOrEqual(2); // phase A only: egress of the reverse direction, meter
    slow.release();
    await h.intents.idle();
    expect(h.intents.get(intent.id).state).toBe('installed');
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
  });

  it('a switch out of reach is no failure, and a reroute goes around it', async () => {
    const h = await IntentHarness.create(KITE, { sync: true });
    const { intent } = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    expect(intent.paths!.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    const writes = h.driver.totalWrites();
    h.disconnectSwitch('s2');
    h.disconnectSwitch('s3');
    await h.intents.idle();
    // s2 lost its controller, not its rules: the intent is left as it is.
    expect(h.intents.get(intent.id).state).toBe('installed');
    expect(h.driver.totalWrites()).toBe(writes);
    h.connectSwitch('s2');
    await h.intents.idle();
    // Now a real failure: s3 is shorter than s5 but cannot be programmed, so the move avoids it.
    const s3Writes = h.driver.table(h.dpidOf('s3')).writes;
    h.cut('s1', 's2');
    await h.intents.idle();
    const now = h.intents.get(intent.id);
    expect(now.state).toBe('installed');
    expect(now.paths!.forward.primary.nodes).toEqual(['s1', 's5', 's4']);
    expect(h.driver.table(h.dpidOf('s3')).writes).toBe(s3Writes);
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1', 's5', 's4']);
    expect(h.send('h2', ipv4('10.0.4.2', '10.0.1.1')).delivered.map((d) => d.endpoint)).toEqual(['h1']);
  });

  it('holds a move while a switch on the new path cannot confirm, and finishes it when the switch is back', async () => {
    // Without sync the controller's topology does not learn of the disconnect: only the flow service does.
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    const oldLabel = intent.labels!.forward;
    h.disconnectSwitch('s3');
    h.cut('s1', 's2');
    await h.intents.idle();
    const held = h.intents.get(intent.id);
    expect(held.state).toBe('rerouting');
    expect(held.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    // The ingress was not moved onto the half-built path.
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1']);
    const tagged = (label: number) =>
      h.driver
        .table(h.dpidOf('s1'))
        .state()
        .flows.some((f) => f.match.vlanVid === undefined && f.actions.some((a) => a.type === 'set-vlan-vid' && a.vid === label));
    expect(tagged(oldLabel)).toBe(true);
    h.connectSwitch('s3');
    await tick();
    await h.intents.idle();
    const done = h.intents.get(intent.id);
    expect(done.state).toBe('installed');
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
    const vids = h.driver.devices().flatMap((d) =>
      h.driver
        .table(d)
        .state()
        .flows.map((f) => f.match.vlanVid),
    );
    expect(vids).not.toContain(oldLabel);
  });

  it('plans a held move again around a switch that went out of reach during it', async () => {
    const h = await IntentHarness.create(KITE, { sync: true });
    const { intent } = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    const slow = slowDevice(h, h.dpidOf('s3'));
    h.cut('s1', 's2');
    await tick(20);
    expect(slow.started()).toBe(true);
    h.disconnectSwitch('s3');
    slow.release();
    await tick();
    await h.intents.idle();
    const now = h.intents.get(intent.id);
    expect(now.state).toBe('installed');
    expect(now.paths!.forward.primary.nodes).toEqual(['s1', 's5', 's4']);
    expect(h.send('h1', h1ToH2).hops.map((x) => x.node)).toEqual(['s1', 's5', 's4']);
    // s3 keeps what it had (it is out of reach); the labels of both abandoned paths are free again.
    expect(h.topo.getLink('s1-s3.a').reservedMbps).toBe(0);
    expect(h.topo.getLink('s1-s5.a').reservedMbps).toBe(100);
  });
});
