#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { type ConfigKey, LOG_LEVELS, resolveConfig, SETTINGS } from '../app/config.js';
import { Controller, type ControllerUrls } from '../app/controller.js';
import { findUp } from '../app/find-up.js';
import { createLogger } from '../app/logger.js';
import { SdncError } from '../model/errors.js';
import { openDatabase } from '../store/database.js';
import { TopologyEditsStore } from '../store/topology-edits-store.js';
import { loadTopologyFile } from '../topology/topology-loader.js';

/** Exit codes: 0 fine, 1 the input was refused (bad topology file, bad configuration), 2 a failure while running. */
const EXIT_INVALID = 1;
const EXIT_FAILURE = 2;

function packageVersion(): string {
  const dir = findUp(import.meta.url, 'package.json', 5);
  if (dir === undefined) return 'unknown';
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Prints an error a user can act on and sets the exit code; anything else is a bug and gets its stack. */
function report(err: unknown): void {
  if (err instanceof SdncError) {
    const problems = err.details.problems;
    if (Array.isArray(problems) && problems.length > 1) {
      process.stderr.write(`sdnc: ${err.code}: ${problems.length} problems\n${problems.map((p) => `  ${p}\n`).join('')}`);
    } else {
      process.stderr.write(`sdnc: ${err.code}: ${err.message}\n`);
    }
    process.exitCode = err.status < 500 ? EXIT_INVALID : EXIT_FAILURE;
    return;
  }
  process.stderr.write(`sdnc: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = EXIT_FAILURE;
}

function banner(version: string, urls: ControllerUrls): string {
  const rows: [string, string | undefined][] = [
    ['API', urls.api],
    ['Docs', urls.docs],
    ['Web view', urls.web],
    ['Events', urls.events],
    ['Metrics', urls.metrics],
    ['OpenFlow', urls.openflow],
    ['OpenFlow/TLS', urls.openflowTls],
  ];
  return `sdnc ${version} is running\n${rows
    .filter(([, url]) => url !== undefined)
    .map(([name, url]) => `  ${name.padEnd(12)} ${url}\n`)
    .join('')}`;
}

async function serve(opts: Record<string, string | undefined>): Promise<void> {
  const flags: Partial<Record<ConfigKey, string>> = {};
  for (const key of Object.keys(SETTINGS) as ConfigKey[]) if (opts[key] !== undefined) flags[key] = opts[key];
  const { config, sources } = resolveConfig({ flags, env: process.env, configFile: opts.config });
  const logger = createLogger(config.logLevel);
  logger.info({ config, sources }, 'configuration');
  const controller = new Controller(config, logger);

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(EXIT_FAILURE);
    }
    logger.info({ signal }, 'shutting down');
    stopping = controller.stop().then(
      () => {
        process.exitCode = 0;
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = EXIT_FAILURE;
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  const urls = await controller.start();
  process.stderr.write(banner(packageVersion(), urls));
}

function validate(files: string[]): void {
  let failed = false;
  for (const file of files) {
    try {
      const t = loadTopologyFile(file);
      const endpoints = t.nodes.filter((n) => n.kind === 'endpoint').length;
      process.stdout.write(
        `${file}: ok, ${t.providers.length} providers, ${t.nodes.length - endpoints} sites, ${endpoints} endpoints, ${t.links.length / 2} cables\n`,
      );
    } catch (err) {
      if (!(err instanceof SdncError)) throw err;
      failed = true;
      const problems = (err.details.problems as string[] | undefined) ?? [err.message];
      process.stderr.write(problems.map((p) => `${p}\n`).join(''));
    }
  }
  if (failed) process.exitCode = EXIT_INVALID;
}

function edits(action: 'list' | 'clear', opts: { dataDir?: string }): void {
  const { config } = resolveConfig({ flags: opts.dataDir ? { dataDir: opts.dataDir } : {}, env: process.env });
  const db = openDatabase(config.dataDir);
  try {
    const store = new TopologyEditsStore(db);
    if (action === 'clear') {
      process.stdout.write(`removed ${store.clear()} topology edits from ${config.dataDir}\n`);
      return;
    }
    for (const r of store.list())
      process.stdout.write(`${JSON.stringify({ seq: r.seq, recordedAt: r.recordedAt, ...r.edit })}\n`);
  } finally {
    db.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('sdnc')
    .description('SDN controller for the multi-provider cloud-edge continuum')
    .version(packageVersion());
  const serveCmd = program
    .command('serve')
    .description('start the controller (flags > environment > config file > defaults)')
    .option('-c, --config <file>', 'YAML config file with any of the settings below (env SDNC_CONFIG)');
  for (const [key, s] of Object.entries(SETTINGS)) {
    const option = new Option(
      `--${s.flag} <value>`,
      `${s.expect} (env ${s.env}, default ${s.fallback === null ? 'off' : String(s.fallback)})`,
    );
    if (key === 'logLevel') option.choices(LOG_LEVELS);
    serveCmd.addOption(option);
  }
  serveCmd.action(serve);

  const topology = program.command('topology').description('work with topology files and the recorded edits');
  topology
    .command('validate')
    .description('check topology files; prints a summary per valid file, every problem of an invalid one')
    .argument('<files...>')
    .action(validate);
  const editsCmd = topology.command('edits').description('the operator edits re-applied over the topology file at start');
  for (const action of ['list', 'clear'] as const) {
    editsCmd
      .command(action)
      .description(action === 'list' ? 'print the recorded edits as JSON lines' : 'forget every recorded edit')
      .option('--data-dir <dir>', 'data directory (env SDNC_DATA_DIR, default data)')
      .action((opts: { dataDir?: string }) => edits(action, opts));
  }
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => report(err));
