/**
 * Flow installation rate into a real Open vSwitch: our OpenFlow driver against os-ken, same run, same
 * switch, same workload. 10,000 flows (priority 100, ipv4_dst 10.x.y.0/24 -> output:1, one cookie
 * each) in batches of 100 FLOW_MODs, every batch confirmed by a barrier before the next is sent.
 * Ours goes through the public Driver API (OpenflowDriver.apply); os-ken runs bench/osken_install_app.py
 * under osken-manager. Each side runs `rounds` times and its best round counts; both installs are
 * checked by counting the flows on the switch. Prints a table and one JSON line; never fails because
 * the machine is slow, and reports os-ken as unavailable when python3-os-ken is not installed.
 *
 * Run alone: `npx tsx bench/openflow-install-bench.ts`, or through `make bench` (needs root and OVS).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EMPTY_BATCH } from '../src/flow/flow-diff.js';
import type { FlowRule } from '../src/model/flow.js';
import { OpenflowDriver } from '../src/southbound/openflow/openflow-driver.js';
import { OpenflowServer } from '../src/southbound/openflow/openflow-server.js';
import { OvsHarness } from '../test/integration/openflow/ovs-harness.js';

const DPID = '00000000000000be';

export interface InstallBenchOptions {
  readonly flows?: number;
  readonly batch?: number;
  readonly rounds?: number;
}

export async function runOpenflowInstallBench(opts: InstallBenchOptions = {}): Promise<object> {
  const flows = opts.flows ?? 10_000;
  const batch = opts.batch ?? 100;
  const rounds = opts.rounds ?? 2;
  if (!(await OvsHarness.available())) return { name: 'openflow-install', skipped: 'Open vSwitch is not available' };
  const h = new OvsHarness('sdofb');
  await h.removeStale();
  const server = new OpenflowServer({ host: '127.0.0.1', port: 0 });
  const driver = new OpenflowDriver(server);
  try {
    const { tcpPort } = await server.start();
    const br = await h.addBridge('br', DPID);
    await h.addVethPort(br, 'p1', 'p1p', 1);
    const rules = makeRules(flows);
    const ours: number[] = [];
    const osken: number[] = [];
    let oskenNote: string | undefined;
    for (let r = 0; r < rounds; r++) {
      ours.push(await runOurs(h, br, driver, tcpPort!, rules, batch));
      const o = await runOsken(h, br, flows, batch);
      if (typeof o === 'string') oskenNote = o;
      else osken.push(o);
    }
    const oursBest = Math.min(...ours);
    const oskenBest = osken.length > 0 ? Math.min(...osken) : undefined;
    const result = {
      name: 'openflow-install',
      flows,
      batch,
      rounds,
      oursSeconds: round(oursBest),
      oursFlowsPerSecond: Math.round(flows / oursBest),
      oskenSeconds: oskenBest === undefined ? null : round(oskenBest),
      oskenFlowsPerSecond: oskenBest === undefined ? null : Math.round(flows / oskenBest),
      ratio: oskenBest === undefined ? null : round(oskenBest / oursBest),
      ...(oskenNote ? { oskenNote } : {}),
    };
    console.log(`OpenFlow install: ${flows} flows, batches of ${batch} + barrier, best of ${rounds}`);
    console.log(`  sdnc   ${result.oursSeconds.toFixed(3)} s  ${result.oursFlowsPerSecond} flows/s`);
    if (oskenBest !== undefined)
      console.log(
        `  os-ken ${result.oskenSeconds!.toFixed(3)} s  ${result.oskenFlowsPerSecond} flows/s  (sdnc is ${result.ratio}x)`,
      );
    else console.log(`  os-ken unavailable: ${oskenNote}`);
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await h.cleanup();
    await server.stop();
  }
}

function makeRules(n: number): FlowRule[] {
  return Array.from({ length: n }, (_, i) => ({
    device: DPID,
    tableId: 0,
    priority: 100,
    match: { ethType: 0x0800, ipv4Dst: `10.${(i >> 8) & 0xff}.${i & 0xff}.0/24` },
    actions: [{ type: 'output', port: 1 }],
    cookie: 1000 + i,
  }));
}

async function runOurs(
  h: OvsHarness,
  br: string,
  driver: OpenflowDriver,
  port: number,
  rules: FlowRule[],
  batch: number,
): Promise<number> {
  await h.ofctl('del-flows', br);
  const connected = new Promise<void>((resolve) => {
    const off = driver.subscribe((e) => {
      if (e.type === 'device-connected' && e.device === DPID) {
        off();
        resolve();
      }
    });
  });
  await h.setController(br, `tcp:127.0.0.1:${port}`);
  await connected;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rules.length; i += batch) await driver.apply(DPID, { ...EMPTY_BATCH, addFlows: rules.slice(i, i + batch) });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const installed = (await driver.readState(DPID)).flows.filter((f) => f.cookie >= 1000).length;
  if (installed !== rules.length) throw new Error(`sdnc installed ${installed} of ${rules.length} flows`);
  await h.delController(br);
  return seconds;
}

/** One os-ken round: seconds, or a string saying why os-ken could not run. */
async function runOsken(h: OvsHarness, br: string, flows: number, batch: number): Promise<number | string> {
  if (!existsSync('/usr/bin/osken-manager')) return 'osken-manager not installed (apt-get install python3-os-ken)';
  await h.ofctl('del-flows', br);
  const port = await freePort();
  const child = spawn(
    '/usr/bin/osken-manager',
    ['--ofp-listen-host', '127.0.0.1', '--ofp-tcp-listen-port', String(port), appPath()],
    {
      env: { ...process.env, SDNC_BENCH_FLOWS: String(flows), SDNC_BENCH_BATCH: String(batch) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const result = waitForResult(child, 120_000);
    await h.setController(br, `tcp:127.0.0.1:${port}`);
    const seconds = await result;
    const agg = await h.ofctl('dump-aggregate', br);
    const count = Number(/flow_count=(\d+)/.exec(agg)?.[1] ?? -1);
    if (count !== flows) return `os-ken left ${count} flows instead of ${flows}`;
    return seconds;
  } catch (err) {
    return `os-ken run failed: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await h.delController(br);
    child.kill('SIGTERM');
  }
}

function waitForResult(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no result within ${timeoutMs} ms: ${out.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /SDNC_BENCH_RESULT (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve((JSON.parse(m[1]) as { seconds: number }).seconds);
      }
      if (/SDNC_BENCH_ERROR/.test(out)) {
        clearTimeout(timer);
        reject(new Error(out.slice(-500)));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`osken-manager exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

/** The app next to this file, or in the source tree when running the compiled benchmark. */
function appPath(): string {
  const here = fileURLToPath(new URL('./osken_install_app.py', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('../../bench/osken_install_app.py', import.meta.url));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runOpenflowInstallBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
