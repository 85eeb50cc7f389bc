/**
 * cbench-style responder rate: simulated switches (bench/cbench-switch.ts, a separate process) fire
 * PACKET_INs and our controller answers each with a FLOW_MOD (match in_port + eth_src + eth_dst,
 * output to port 1 - what a learning switch does), through the session layer and the codec. Reports
 * FLOW_MOD responses per second. No baseline controller: compare across commits, or with cbench
 * against other controllers on the same machine.
 *
 * Run alone: `npx tsx bench/cbench-responder-bench.ts`, or through `make bench`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OfpType, OxmOfbField } from '../src/southbound/openflow/codec/index.js';
import { flowAdd } from '../src/southbound/openflow/openflow-flow-compiler.js';
import { OpenflowServer } from '../src/southbound/openflow/openflow-server.js';

export interface CbenchOptions {
  readonly switches?: number;
  readonly durationMs?: number;
  readonly window?: number;
}

export async function runCbenchResponderBench(opts: CbenchOptions = {}): Promise<object> {
  const switches = opts.switches ?? 4;
  const durationMs = opts.durationMs ?? 3000;
  const window = opts.window ?? 500;
  const server = new OpenflowServer({ host: '127.0.0.1', port: 0 });
  server.onMessage((s, m) => {
    if (m.type !== OfpType.OFPT_PACKET_IN || m.data.length < 14) return;
    const inPort = m.match.find((o) => o.field === OxmOfbField.OFPXMT_OFB_IN_PORT);
    const mac = (off: number) => [...m.data.subarray(off, off + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const msg = flowAdd(s.device, {
      device: s.device,
      tableId: 0,
      priority: 10,
      match: {
        inPort: inPort && inPort.field === OxmOfbField.OFPXMT_OFB_IN_PORT ? inPort.value : 1,
        ethSrc: mac(6),
        ethDst: mac(0),
      },
      actions: [{ type: 'output', port: 1 }],
      cookie: 1,
      idleTimeoutS: 60,
    });
    s.send(msg).catch(() => {});
  });
  try {
    const { tcpPort } = await server.start();
    const result = await runSwitchProcess(tcpPort!, switches, durationMs, window);
    const perSecond = Math.round(result.responses / result.seconds);
    const out = {
      name: 'openflow-cbench',
      switches,
      window,
      durationMs,
      responses: result.responses,
      responsesPerSecond: perSecond,
    };
    console.log(`cbench-style responder: ${switches} switches, ${window} outstanding PACKET_INs each, ${durationMs} ms`);
    console.log(`  ${perSecond} FLOW_MOD responses/s`);
    console.log(JSON.stringify(out));
    return out;
  } finally {
    await server.stop();
  }
}

function runSwitchProcess(
  port: number,
  switches: number,
  durationMs: number,
  window: number,
): Promise<{ responses: number; seconds: number }> {
  const ts = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(ts ? './cbench-switch.ts' : './cbench-switch.js', import.meta.url));
  const args = [...(ts ? ['--import', 'tsx'] : []), script, String(port), String(switches), String(durationMs), String(window)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as { responses: number; seconds: number });
      else reject(new Error(`simulated switches exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCbenchResponderBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
