/**
 * HTTP load client for the benchmarks, run as its own process (forked with an IPC channel): a real client
 * does not share the server's event loop or CPU time slice. Each message is one job, answered with one
 * result; the process stays up for the next job so that every job of a run uses the same warmed client.
 *
 * The load generator is autocannon: keep-alive connections, one request in flight per connection, exactly
 * `amount` requests in all. With `bodies`, every request is a POST with its own body, taken in order across
 * the connections (intents must be distinct: the same body twice is refused as a duplicate).
 */
import autocannon from 'autocannon';

export interface LoadJob {
  readonly url: string;
  readonly amount: number;
  readonly connections: number;
  /** POST bodies (JSON), one per request; GET without. At least `amount` of them. */
  readonly bodies?: readonly string[];
}

export interface LoadResult {
  /** Requests answered (any status). */
  readonly answered: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  /** Status code -> count, for everything that was not 2xx. */
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  /** Wall time from the start (connecting included) to the last answer. */
  readonly ms: number;
  /** Answers per second over `ms`. */
  readonly perS: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** CPU time (user + system) this client process spent on the job. */
  readonly clientCpuMs: number;
}

function run(job: LoadJob): Promise<LoadResult> {
  const { bodies } = job;
  if (bodies && bodies.length < job.amount) throw new Error(`${job.amount} requests need as many bodies, got ${bodies.length}`);
  let next = 0;
  const statuses: Record<string, number> = {};
  // autocannon reports at its next sampling tick, not at the last answer: the wall time is measured here,
  // from the start to the last answer (or error).
  let last = 0;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        amount: job.amount,
        pipelining: 1,
        timeout: 30,
        sampleInt: 100,
        requests: [
          bodies
            ? {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                setupRequest: (req) => ({ ...req, body: bodies[next++] }),
              }
            : { method: 'GET' },
        ],
      },
      (err, r) => {
        if (err) {
          reject(err);
          return;
        }
        const ms = last - t0;
        const cpu = process.cpuUsage(cpu0);
        const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
        resolve({
          answered,
          ok2xx: r['2xx'],
          non2xx: r.non2xx,
          statuses,
          errors: r.errors,
          timeouts: r.timeouts,
          ms,
          perS: (answered / ms) * 1000,
          latencyP50Ms: r.latency.p50,
          latencyP99Ms: r.latency.p99,
          clientCpuMs: (cpu.user + cpu.system) / 1000,
        });
      },
    );
    instance.on('response', (_client, statusCode) => {
      last = performance.now();
      if (statusCode < 200 || statusCode >= 300) statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', () => {
      last = performance.now();
    });
  });
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ result }),
    (err: unknown) => process.send?.({ error: String((err as Error)?.stack ?? err) }),
  );
});
process.on('disconnect', () => process.exit(0));
