import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SdncError } from '../model/errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything `sdnc serve` can be told. Add a member here and a row in SETTINGS for a new setting. */
export interface SdncConfig {
  /** Address the HTTP API and the OpenFlow listener bind to. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly httpPort: number;
  readonly openflowPort: number;
  /** Directory of the embedded database (absolute after resolution). */
  readonly dataDir: string;
  /** Topology file loaded at start (absolute after resolution). */
  readonly topology: string;
  readonly logLevel: LogLevel;
  /** P4Runtime devices running p4/sdnc_lsp.p4: `host:port,deviceId[,electionId]`, several separated by ";". */
  readonly p4Devices: string;
  /** OpenFlow over TLS (IANA 6653 is shared by both; give TLS its own port). null = no TLS listener. */
  readonly openflowTlsPort: number | null;
  /** PEM files of the controller's TLS key and certificate (required with openflowTlsPort). */
  readonly openflowTlsKey: string;
  readonly openflowTlsCert: string;
  /** PEM CA bundle; when set, switches must present a certificate that chains to it (mutual TLS). */
  readonly openflowTlsCa: string;
}

type Raw = string | number | boolean | null;

interface Setting<T> {
  /** Environment variable. */
  readonly env: string;
  /** Long command-line flag, without the dashes. */
  readonly flag: string;
  readonly fallback: T;
  /** What the value must be, for error messages. */
  readonly expect: string;
  /** Returns the value, or undefined when `raw` is not acceptable. `base` resolves relative paths. */
  parse(raw: Raw, base: string): T | undefined;
}

const port = (raw: Raw): number | undefined => {
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw).trim()) ? Number(String(raw).trim()) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
};
const path = (raw: Raw, base: string): string | undefined => {
  const s = typeof raw === 'string' ? raw.trim() : '';
  return s.length === 0 ? undefined : isAbsolute(s) ? s : resolve(base, s);
};
/** A path, or '' for "not set". */
const optionalPath = (raw: Raw, base: string): string | undefined =>
  typeof raw === 'string' && raw.trim() === '' ? '' : path(raw, base);

/** One row per setting; the mapped type makes a missing row a compile error. */
export const SETTINGS: { readonly [K in keyof SdncConfig]: Setting<SdncConfig[K]> } = {
  host: {
    env: 'SDNC_HOST',
    flag: 'host',
    fallback: '127.0.0.1',
    expect: 'a host name or IP address',
    parse: (raw) => (typeof raw === 'string' && /^[A-Za-z0-9.:_-]+$/.test(raw.trim()) ? raw.trim() : undefined),
  },
  httpPort: { env: 'SDNC_HTTP_PORT', flag: 'http-port', fallback: 8080, expect: 'a port number 0-65535', parse: port },
  openflowPort: { env: 'SDNC_OF_PORT', flag: 'openflow-port', fallback: 6653, expect: 'a port number 0-65535', parse: port },
  dataDir: { env: 'SDNC_DATA_DIR', flag: 'data-dir', fallback: 'data', expect: 'a directory path', parse: path },
  topology: {
    env: 'SDNC_TOPOLOGY',
    flag: 'topology',
    fallback: 'topology/eu-continuum.yaml',
    expect: 'a file path',
    parse: path,
  },
  logLevel: {
    env: 'SDNC_LOG_LEVEL',
    flag: 'log-level',
    fallback: 'info',
    expect: `one of ${LOG_LEVELS.join(', ')}`,
    parse: (raw) => ((LOG_LEVELS as readonly unknown[]).includes(raw) ? (raw as LogLevel) : undefined),
  },
  p4Devices: {
    env: 'SDNC_P4_DEVICES',
    flag: 'p4-devices',
    fallback: '',
    expect: 'a list of host:port,deviceId[,electionId] separated by ";" (checked at start)',
    parse: (raw) => (typeof raw === 'string' ? raw.trim() : undefined),
  },
  openflowTlsPort: {
    env: 'SDNC_OF_TLS_PORT',
    flag: 'openflow-tls-port',
    fallback: null,
    expect: 'a port number 0-65535, or "off"',
    parse: (raw) => (raw === null || raw === 'off' ? null : port(raw)),
  },
  openflowTlsKey: {
    env: 'SDNC_OF_TLS_KEY',
    flag: 'openflow-tls-key',
    fallback: '',
    expect: 'a PEM file path',
    parse: optionalPath,
  },
  openflowTlsCert: {
    env: 'SDNC_OF_TLS_CERT',
    flag: 'openflow-tls-cert',
    fallback: '',
    expect: 'a PEM file path',
    parse: optionalPath,
  },
  openflowTlsCa: { env: 'SDNC_OF_TLS_CA', flag: 'openflow-tls-ca', fallback: '', expect: 'a PEM file path', parse: optionalPath },
};

export type ConfigKey = keyof SdncConfig;

/** Where each value came from, e.g. "flag --http-port", "env SDNC_HTTP_PORT", "file sdnc.yaml", "default". */
export type ConfigSources = { readonly [K in ConfigKey]: string };

export interface ConfigInput {
  /** Values of command-line flags that were given, by setting key (commander's camelCase names). */
  readonly flags?: Partial<Record<ConfigKey, string | number>>;
  readonly env?: NodeJS.ProcessEnv;
  /** Config file from --config (or SDNC_CONFIG); relative paths inside it are relative to the file. */
  readonly configFile?: string;
  /** Directory relative flag, env and default paths resolve against. */
  readonly cwd?: string;
}

/**
 * Resolves the configuration: flags over environment over config file over defaults. Every problem is
 * collected and reported at once as SDNC_ERR_CONFIG naming the setting, the source and what it must be.
 */
export function resolveConfig(input: ConfigInput = {}): { config: SdncConfig; sources: ConfigSources } {
  const cwd = input.cwd ?? process.cwd();
  const env = input.env ?? {};
  const problems: string[] = [];
  const configFile = input.configFile ?? env.SDNC_CONFIG;
  const file = configFile === undefined || configFile === '' ? undefined : readConfigFile(resolve(cwd, configFile), configFile);

  const config: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const key of Object.keys(SETTINGS) as ConfigKey[]) {
    const s: Setting<unknown> = SETTINGS[key];
    const candidates: [Raw | undefined, string, string][] = [
      [input.flags?.[key], `flag --${s.flag}`, cwd],
      [env[s.env], `env ${s.env}`, cwd],
      [file?.values[key] as Raw | undefined, `file ${configFile}`, file ? dirname(file.path) : cwd],
    ];
    const given = candidates.find(([raw]) => raw !== undefined);
    if (!given) {
      config[key] = s.parse(s.fallback as Raw, cwd);
      sources[key] = 'default';
      continue;
    }
    const [raw, source, base] = given;
    const value = s.parse(raw as Raw, base);
    if (value === undefined) problems.push(`${key} from ${source}: ${JSON.stringify(raw)} is not ${s.expect}`);
    config[key] = value;
    sources[key] = source;
  }
  if (file) {
    for (const k of Object.keys(file.values)) {
      if (!(k in SETTINGS))
        problems.push(`unknown setting "${k}" in file ${configFile}; known: ${Object.keys(SETTINGS).join(', ')}`);
    }
  }
  if (config.openflowTlsPort !== null && config.openflowTlsPort !== undefined) {
    for (const key of ['openflowTlsKey', 'openflowTlsCert'] as const) {
      if (!config[key])
        problems.push(`${key} is required when openflowTlsPort is set (${sources.openflowTlsPort}): ${SETTINGS[key].expect}`);
    }
  }
  if (problems.length > 0) throw new SdncError('SDNC_ERR_CONFIG', { reason: problems.join('; '), problems });
  return { config: config as unknown as SdncConfig, sources: sources as ConfigSources };
}

function readConfigFile(path: string, shown: string): { path: string; values: Record<string, unknown> } {
  if (!existsSync(path)) throw new SdncError('SDNC_ERR_CONFIG', { reason: `config file ${shown} does not exist` });
  let values: unknown;
  try {
    values = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SdncError('SDNC_ERR_CONFIG', {
      reason: `config file ${shown} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
    });
  }
  if (values === null || values === undefined) return { path, values: {} };
  if (typeof values !== 'object' || Array.isArray(values)) {
    throw new SdncError('SDNC_ERR_CONFIG', { reason: `config file ${shown} must be a mapping of setting: value` });
  }
  return { path, values: values as Record<string, unknown> };
}
