/**
 * Flow service convergence benchmark (not a test): what a change of some owners costs on a device set
 * that already holds a large installed base, against a baseline run in the same process that converges
 * the way the flow service used to - read each touched device's whole state back and diff all of it.
 *
 * 1,000 devices; 1,000 owners with two rules on each of twelve random devices plus every owner on two
 * hub devices (the bridge switches every path crosses): about 28,000 rules. Measured: the initial
 * install, a reroute (every owner moves the rules of half its devices to a new label) given as each
 * owner's whole new state (setDesired), the same move back given as a delta (changeDesired: the old
 * rules go, the new ones come, as the intent layer's make-before-break phases give it), and one owner
 * changing alone. Run: `npx tsx bench/flow-convergence-bench.ts`, or `make bench GROUPS=intent`.
 */
import { pathToFileURL } from 'node:url';
import { FakeDriver } from '../src/flow/fake-driver.js';
import { diffDeviceState } from '../src/flow/flow-diff.js';
import { FlowService } from '../src/flow/flow-service.js';
import type { DeviceState, FlowRule } from '../src/model/flow.js';

const DEVICES = 1000;
const OWNERS = 1000;
const DEVICES_PER_OWNER = 12;

const dpid = (i: number) => (i + 1).toString(16).padStart(16, '0');

function ownerRules(owner: number, label: number, devices: readonly number[]): DeviceState {
  const flows: FlowRule[] = [];
  for (const d of devices) {
    for (const dir of [0, 1]) {
      flows.push({
        device: dpid(d),
        tableId: 0,
        priority: 1000,
        match: {
          inPort: 1 + dir,
          vlanVid: (label * 2 + dir) % 4094 || 1,
          ethType: 0x0800,
          ipv4Dst: `10.${owner >> 8}.${owner & 255}.0/24`,
        },
        actions: [
          { type: 'set-vlan-vid', vid: label % 4094 || 1 },
          { type: 'output', port: 3 + dir },
        ],
        cookie: owner + 1,
      });
    }
  }
  return { flows, groups: [], meters: [] };
}

/** The previous algorithm: every pass reads a touched device back and diffs all it holds. */
class FullDiffConverger {
  private readonly desired = new Map<string, Map<string, readonly FlowRule[]>>();
  private readonly ownerDevices = new Map<string, readonly string[]>();
  private readonly dirty = new Set<string>();
  constructor(private readonly driver: FakeDriver) {}
  /** The resulting state set in full: all this algorithm can do with a delta. */
  changeDesired(owner: string, add: DeviceState, remove: DeviceState): void {
    const gone = new Set(remove.flows);
    const flows: FlowRule[] = [];
    for (const d of this.ownerDevices.get(owner) ?? []) {
      for (const f of this.desired.get(d)?.get(owner) ?? []) if (!gone.has(f)) flows.push(f);
    }
    this.setDesired(owner, { flows: [...flows, ...add.flows], groups: [], meters: [] });
  }
  setDesired(owner: string, state: DeviceState): void {
    for (const d of this.ownerDevices.get(owner) ?? []) {
      this.desired.get(d)?.delete(owner);
      this.dirty.add(d);
    }
    const byDevice = new Map<string, FlowRule[]>();
    for (const f of state.flows) {
      const list = byDevice.get(f.device);
      if (list) list.push(f);
      else byDevice.set(f.device, [f]);
    }
    for (const [d, flows] of byDevice) {
      let owners = this.desired.get(d);
      if (!owners) {
        owners = new Map();
        this.desired.set(d, owners);
      }
      owners.set(owner, flows);
      this.dirty.add(d);
    }
    this.ownerDevices.set(owner, [...byDevice.keys()]);
  }
  async flush(): Promise<void> {
    const devices = [...this.dirty];
    this.dirty.clear();
    await Promise.all(
      devices.map(async (d) => {
        const flows = [...(this.desired.get(d)?.values() ?? [])].flat();
        const actual = await this.driver.readState(d);
        await this.driver.apply(d, diffDeviceState({ flows, groups: [], meters: [] }, actual));
      }),
    );
  }
}

interface Subject {
  setDesired(owner: string, state: DeviceState): void;
  changeDesired(owner: string, add: DeviceState, remove: DeviceState): void;
  flush(): Promise<unknown>;
}

async function scenario(make: (driver: FakeDriver) => Subject): Promise<Record<string, number>> {
  const driver = new FakeDriver();
  for (let i = 0; i < DEVICES; i++) driver.connect(dpid(i));
  const subject = make(driver);
  await subject.flush();
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const placement = Array.from({ length: OWNERS }, () => [
    0,
    1,
    ...Array.from({ length: DEVICES_PER_OWNER }, () => 2 + Math.floor(rand() * (DEVICES - 2))),
  ]);
  const t0 = performance.now();
  for (let o = 0; o < OWNERS; o++) subject.setDesired(`o${o}`, ownerRules(o, o, placement[o]));
  await subject.flush();
  const installMs = performance.now() - t0;
  const t1 = performance.now();
  const moved: DeviceState[] = [];
  for (let o = 0; o < OWNERS; o++) {
    const devices = placement[o].map((d, i) => (i % 2 === 0 ? d : 2 + ((d + 500) % (DEVICES - 2))));
    moved.push(ownerRules(o, o + OWNERS, devices));
    subject.setDesired(`o${o}`, moved[o]);
  }
  await subject.flush();
  const rerouteMs = performance.now() - t1;
  const tDelta = performance.now();
  for (let o = 0; o < OWNERS; o++) subject.changeDesired(`o${o}`, ownerRules(o, o + 2 * OWNERS, placement[o]), moved[o]);
  await subject.flush();
  const deltaRerouteMs = performance.now() - tDelta;
  const t2 = performance.now();
  const singles = 20;
  for (let i = 0; i < singles; i++) {
    subject.setDesired('o5', ownerRules(5, 3000 + i, placement[5]));
    await subject.flush();
  }
  const oneOwnerMs = (performance.now() - t2) / singles;
  return { rules: driver.totalFlows(), installMs, rerouteMs, deltaRerouteMs, oneOwnerMs };
}

export async function runFlowConvergenceBench(): Promise<object> {
  await scenario((d) => new FullDiffConverger(d)); // warm-up of both
  await scenario((d) => {
    const fs = new FlowService({ auditIntervalMs: 0 });
    fs.registerDriver(d);
    return fs;
  });
  const baseline = await scenario((d) => new FullDiffConverger(d));
  const incremental = await scenario((d) => {
    const fs = new FlowService({ auditIntervalMs: 0 });
    fs.registerDriver(d);
    return fs;
  });
  const out = {
    rules: incremental.rules,
    installMs: incremental.installMs,
    rerouteMs: incremental.rerouteMs,
    deltaRerouteMs: incremental.deltaRerouteMs,
    oneOwnerMs: incremental.oneOwnerMs,
    fullDiff: baseline,
    rerouteSpeedup: baseline.rerouteMs / incremental.rerouteMs,
    deltaRerouteSpeedup: baseline.deltaRerouteMs / incremental.deltaRerouteMs,
    oneOwnerSpeedup: baseline.oneOwnerMs / incremental.oneOwnerMs,
  };
  console.log(
    `flow convergence (${out.rules} rules on ${DEVICES} devices): install ${out.installMs.toFixed(1)} ms, ` +
      `reroute of ${OWNERS} owners ${out.rerouteMs.toFixed(1)} ms (by delta ${out.deltaRerouteMs.toFixed(1)} ms), ` +
      `one owner ${out.oneOwnerMs.toFixed(2)} ms; full read-and-diff baseline ${baseline.installMs.toFixed(1)} / ` +
      `${baseline.rerouteMs.toFixed(1)} (${baseline.deltaRerouteMs.toFixed(1)}) / ${baseline.oneOwnerMs.toFixed(2)} ms ` +
      `(reroute x${out.rerouteSpeedup.toFixed(1)}, by delta x${out.deltaRerouteSpeedup.toFixed(1)}, ` +
      `one owner x${out.oneOwnerSpeedup.toFixed(1)})`,
  );
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runFlowConvergenceBench()));
}
