/**
 * CPU profile of the server of the REST intent bench while it answers the measured POSTs (not a
 * benchmark): the same server and load as bench/intent-bench.ts (16 keep-alive connections, one distinct
 * intent per POST, the load client in its own process), with the V8 profiler of this process running only
 * during the measured phase, so that neither start-up nor warm-up shows in it.
 *
 *   npx tsx bench/intent-rest-profile.ts rest.cpuprofile [post|get] [interval-us] [warm-up-posts]
 *
 * The sampling interval defaults to 100 us; a coarser one (500, 1000) disturbs the server less, so that
 * the shares of the profile are closer to those of an unprofiled run (the CPU figure printed is the
 * profiled one either way).
 *
 * The warm-up of the POST profile (4,000 POSTs by default) decides what the profile shows. V8 optimises a function only after
 * it ran often enough, and compiles it on helper threads meanwhile: after a short warm-up the measured
 * POSTs run largely unoptimised, and the optimising compiler's threads spend as much CPU again as the main
 * thread. A long-running controller has long paid that once; 4,000 POSTs are enough for the hot paths of
 * the POST route to be optimised. The CPU printed is split into the main thread (what the profile shows)
 * and the other threads of the process (V8's compiler and garbage collector helpers, libuv, and the
 * profiler's own sampling thread, which costs much at 100 us): a large share of the latter means the
 * server was still warming up.
 * Open the profile in Chrome DevTools (Performance, load profile) or any .cpuprofile viewer.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { clientLoad, restServer } from './intent-bench.js';

const out = process.argv[2];
const phase = process.argv[3] ?? 'post';
const interval = Number(process.argv[4] ?? 100);
const warmUp = Number(process.argv[5] ?? 4_000);
if (!out || (phase !== 'post' && phase !== 'get') || !(interval > 0) || !(Number.isInteger(warmUp) && warmUp >= 0)) {
  console.error('usage: intent-rest-profile.ts <out.cpuprofile> [post|get] [interval-us] [warm-up-posts]');
  process.exit(2);
}
const MEASURED_POSTS = 2_000;
// Each intent has its own destination port: the warm-up ones above the measured ones.
const MEASURED_PORT = 20000;
const WARM_UP_PORT = MEASURED_PORT + MEASURED_POSTS;
if (WARM_UP_PORT + warmUp > 65536) {
  console.error(`at most ${65536 - WARM_UP_PORT} warm-up POSTs (one destination port each)`);
  process.exit(2);
}

/**
 * CPU time (user + system, microseconds) of this process's main thread and of all its other threads,
 * from /proc (Linux); undefined elsewhere.
 */
function threadCpu(): { main: number; others: number } | undefined {
  const tickUs = 10_000; // USER_HZ is 100 on Linux
  let main = 0;
  let others = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const us = (Number(fields[11]) + Number(fields[12])) * tickUs;
      if (tid === String(process.pid)) main += us;
      else others += us;
    }
  } catch {
    return undefined;
  }
  return { main, others };
}

const { base, requests, close } = await restServer();
const client = clientLoad();
const bodies = (count: number, portBase: number) => requests(count, portBase).map((r) => JSON.stringify(r));
const session = new Session();
try {
  await client.load({ url: `${base}/healthz`, amount: 2_000, connections: 16 });
  if (phase === 'post' && warmUp > 0)
    await client.load({ url: `${base}/api/v1/intents`, amount: warmUp, connections: 16, bodies: bodies(warmUp, WARM_UP_PORT) });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval });
  await session.post('Profiler.start');
  const threads = threadCpu();
  const cpu = process.cpuUsage();
  const r =
    phase === 'get'
      ? await client.load({ url: `${base}/healthz`, amount: 20_000, connections: 16 })
      : await client.load({
          url: `${base}/api/v1/intents`,
          amount: MEASURED_POSTS,
          connections: 16,
          bodies: bodies(MEASURED_POSTS, MEASURED_PORT),
        });
  const used = process.cpuUsage(cpu);
  const threadsAfter = threadCpu();
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
  const perRequest = (us: number) => (us / r.answered).toFixed(0);
  const split =
    threads && threadsAfter
      ? ` (main thread ${perRequest(threadsAfter.main - threads.main)}, other threads ${perRequest(threadsAfter.others - threads.others)})`
      : '';
  console.log(
    `${phase.toUpperCase()}${phase === 'post' ? ` after ${warmUp} warm-up POSTs` : ''}: ${r.ok2xx}/${r.answered} 2xx at ${r.perS.toFixed(0)}/s (profiler running), ` +
      `server CPU ${perRequest(used.user + used.system)} us per request${split}; profile in ${out}`,
  );
} finally {
  session.disconnect();
  client.close();
  await close();
}
