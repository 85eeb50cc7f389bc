/**
 * `make bench`: runs every benchmark in sequence and prints one JSON line with all results at the end.
 * Benchmarks report ratios against baselines measured in the same run (graphology, networkx, igraph,
 * Boost, os-ken), so figures from different machines compare by ratio, not by absolute time.
 *
 *   npx tsx bench/run-all.ts            # everything
 *   npx tsx bench/run-all.ts path intent  # only the named groups
 */
import { cpus, totalmem } from 'node:os';

type Bench = () => Promise<object>;

const groups: Record<string, () => Promise<Bench>> = {
  path: async () => (await import('./path-bench.js')).runPathBench,
  intent: async () => (await import('./intent-bench.js')).runIntentBench,
  'openflow-codec': async () => (await import('./openflow-codec-bench.js')).runOpenflowCodecBench,
  'openflow-install': async () => (await import('./openflow-install-bench.js')).runOpenflowInstallBench,
  cbench: async () => (await import('./cbench-responder-bench.js')).runCbenchResponderBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in groups));
  if (unknown.length > 0) {
    console.error(`unknown benchmark group(s): ${unknown.join(', ')}; choose from ${Object.keys(groups).join(', ')}`);
    process.exit(2);
  }
  const selected = wanted.length > 0 ? wanted : Object.keys(groups);
  const machine = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  console.log(`sdnc benchmarks on ${machine.cpu} (${machine.cores} cores, ${machine.memGiB} GiB), Node ${machine.node}`);
  const results: Record<string, unknown> = { machine };
  let failed = 0;
  for (const name of selected) {
    console.log(`\n=== ${name} ===`);
    try {
      const run = await groups[name]();
      results[name] = await run();
    } catch (err) {
      // A benchmark whose baseline tool is missing must not hide the others' figures.
      failed++;
      results[name] = { error: err instanceof Error ? err.message : String(err) };
      console.error(`${name} failed: ${err instanceof Error ? err.stack : err}`);
    }
  }
  console.log(`\nBENCH_RESULTS ${JSON.stringify(results, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  if (failed > 0) process.exitCode = 1;
}

await main();
