import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/app/config.js';
import { SdncError } from '../../../src/model/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sdnc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SdncError);
    expect((e as SdncError).code).toBe('SDNC_ERR_CONFIG');
    return (e as SdncError).message;
  }
  throw new Error('configuration was accepted but should have been refused');
}

describe('resolveConfig', () => {
  it('uses the documented defaults, with paths made absolute against the working directory', () => {
    const { config, sources } = resolveConfig({ cwd: '/srv/sdnc', env: {} });
    expect(config).toEqual({
      host: '127.0.0.1',
      httpPort: 8080,
      openflowPort: 6653,
      dataDir: '/srv/sdnc/data',
      topology: '/srv/sdnc/topology/eu-continuum.yaml',
      logLevel: 'info',
      p4Devices: '',
      openflowTlsPort: null,
      openflowTlsKey: '',
      openflowTlsCert: '',
      openflowTlsCa: '',
    });
    expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
  });

  it('takes an OpenFlow TLS port only together with a key and a certificate', () => {
    const on = resolveConfig({
      cwd: '/srv/sdnc',
      env: { SDNC_OF_TLS_PORT: '6654', SDNC_OF_TLS_KEY: 'tls/key.pem', SDNC_OF_TLS_CERT: 'tls/cert.pem' },
    }).config;
    expect(on).toMatchObject({ openflowTlsPort: 6654, openflowTlsKey: '/srv/sdnc/tls/key.pem', openflowTlsCa: '' });
    expect(resolveConfig({ env: { SDNC_OF_TLS_PORT: 'off' } }).config.openflowTlsPort).toBeNull();
    expect(() => resolveConfig({ env: { SDNC_OF_TLS_PORT: '6654' } })).toThrow(
      /openflowTlsKey is required when openflowTlsPort is set \(env SDNC_OF_TLS_PORT\)/,
    );
    expect(() => resolveConfig({ env: { SDNC_OF_TLS_PORT: 'tls' } })).toThrow(/is not a port number 0-65535, or "off"/);
  });

  it('takes flags over environment over config file over defaults, per setting', () => {
    const file = configFile('layered.yaml', 'httpPort: 7000\nopenflowPort: 7001\nlogLevel: debug\ndataDir: state\n');
    const { config, sources } = resolveConfig({
      cwd: '/work',
      configFile: file,
      env: { SDNC_HTTP_PORT: '7100', SDNC_OF_PORT: '7101', SDNC_HOST: '0.0.0.0' },
      flags: { httpPort: '7200' },
    });
    expect(config.httpPort).toBe(7200);
    expect(sources.httpPort).toBe('flag --http-port');
    expect(config.openflowPort).toBe(7101);
    expect(sources.openflowPort).toBe('env SDNC_OF_PORT');
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('debug');
    expect(sources.logLevel).toBe(`file ${file}`);
    // Paths in a config file are relative to the file, not to where the controller was started.
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.topology).toBe('/work/topology/eu-continuum.yaml');
    expect(sources.topology).toBe('default');
  });

  it('finds the config file through SDNC_CONFIG too', () => {
    const file = configFile('env.yaml', 'topology: topology/mini.yaml\n');
    const { config } = resolveConfig({ env: { SDNC_CONFIG: file } });
    expect(config.topology).toBe(join(dir, 'topology/mini.yaml'));
  });

  it('names the setting, the source and what the value must be', () => {
    expect(configError(() => resolveConfig({ env: { SDNC_HTTP_PORT: 'eighty' } }))).toBe(
      'Configuration is invalid: httpPort from env SDNC_HTTP_PORT: "eighty" is not a port number 0-65535',
    );
    expect(configError(() => resolveConfig({ env: {}, flags: { openflowPort: '70000' } }))).toBe(
      'Configuration is invalid: openflowPort from flag --openflow-port: "70000" is not a port number 0-65535',
    );
    const file = configFile('bad.yaml', 'logLevel: loud\nhttpPort: 1.5\n');
    expect(configError(() => resolveConfig({ env: {}, configFile: file }))).toBe(
      `Configuration is invalid: httpPort from file ${file}: 1.5 is not a port number 0-65535; ` +
        `logLevel from file ${file}: "loud" is not one of fatal, error, warn, info, debug, trace, silent`,
    );
    expect(configError(() => resolveConfig({ env: { SDNC_TOPOLOGY: '  ' } }))).toContain('topology from env SDNC_TOPOLOGY');
  });

  it('refuses unknown settings, a missing file and a file that is not a mapping', () => {
    const typo = configFile('typo.yaml', 'htpPort: 80\n');
    expect(configError(() => resolveConfig({ env: {}, configFile: typo }))).toContain(
      `unknown setting "htpPort" in file ${typo}`,
    );
    expect(configError(() => resolveConfig({ env: {}, configFile: join(dir, 'nope.yaml') }))).toContain('does not exist');
    const list = configFile('list.yaml', '- httpPort\n');
    expect(configError(() => resolveConfig({ env: {}, configFile: list }))).toContain('must be a mapping');
    const broken = configFile('broken.yaml', 'httpPort: [\n');
    expect(configError(() => resolveConfig({ env: {}, configFile: broken }))).toContain('is not valid YAML');
  });

  it('accepts port 0 (pick a free port) and an empty config file', () => {
    const empty = configFile('empty.yaml', '');
    expect(resolveConfig({ env: { SDNC_HTTP_PORT: '0' }, configFile: empty }).config.httpPort).toBe(0);
  });
});
