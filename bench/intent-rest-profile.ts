/**
 * CPU profile of the server of the REST intent bench while it answers the measured POSTs (not a
 * benchmark): the same server and load as bench/intent-bench.ts (16 keep-alive connections, one distinct
 * intent per POST, the load client in its own process), with the V8 profiler of this process running only
 * during the measured phase, so that neither start-up nor warm-up shows in it.
 *
 *   npx tsx bench/intent-rest-profile.ts rest.cpuprofile [post|get] [interval-us]
 *
 * The sampling interval defaults to 100 us; a coarser one (500, 1000) disturbs the server less, so that
 * the shares of the profile are closer to those of an unprofiled run (the CPU figure printed is the
 * profiled one either way).
 * Open the profile in Chrome DevTools (Performance, load profile) or any .cpuprofile viewer.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { clientLoad, restServer } from './intent-bench.js';

const out = process.argv[2];
const phase = process.argv[3] ?? 'post';
const interval = Number(process.argv[4] ?? 100);
if (!out || (phase !== 'post' && phase !== 'get') || !(interval > 0)) {
  console.error('usage: intent-rest-profile.ts <out.cpuprofile> [post|get] [interval-us]');
  process.exit(2);
}

const { app, base, requests } = await restServer();
const client = clientLoad();
const bodies = (count: number, portBase: number) => requests(count, portBase).map((r) => JSON.stringify(r));
const session = new Session();
try {
  await client.load({ url: `${base}/healthz`, amount: 2_000, connections: 16 });
  await client.load({ url: `${base}/api/v1/intents`, amount: 46, connections: 16, bodies: bodies(46, 30000) });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval });
  await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  const r =
    phase === 'get'
      ? await client.load({ url: `${base}/healthz`, amount: 20_000, connections: 16 })
      : await client.load({ url: `${base}/api/v1/intents`, amount: 2_000, connections: 16, bodies: bodies(2_000, 20000) });
  const used = process.cpuUsage(cpu);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  console.log(
    `${phase.toUpperCase()}: ${r.ok2xx}/${r.answered} 2xx at ${r.perS.toFixed(0)}/s (profiler running), ` +
      `server CPU ${((used.user + used.system) / r.answered).toFixed(0)} us per request; profile in ${out}`,
  );
} finally {
  session.disconnect();
  client.close();
  await app.close();
}
