import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/app/config.js';
import { Controller } from '../../../src/app/controller.js';
import { createLogger } from '../../../src/app/logger.js';
import { SdncError } from '../../../src/model/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sdnc-controller-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function controller(topology: string): Controller {
  const { config } = resolveConfig({ env: {}, flags: { httpPort: 0, topology, dataDir: join(dir, 'data') } });
  return new Controller(config, createLogger('silent'));
}

describe('Controller', () => {
  it('serves the loaded topology, reports ready, and stops cleanly (twice is harmless)', async () => {
    const c = controller('topology/mini.yaml');
    const urls = await c.start();
    expect(urls.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(urls.events).toBe(urls.api.replace('http:', 'ws:') + '/events');
    const topo = (await (await fetch(`${urls.api}/topology`)).json()) as { nodes: unknown[]; links: unknown[] };
    expect([topo.nodes.length, topo.links.length]).toEqual([10, 14]);
    expect((await fetch(urls.api.replace('/api/v1', '/readyz'))).status).toBe(200);
    await c.stop();
    await c.stop();
    await expect(fetch(`${urls.api}/topology`)).rejects.toThrow();
  });

  it('reports a bad topology file as a typed error; that instance stays stopped and a new one starts on the same directory', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'providers: []\nnodes: []\ncables: [{ id: x }]\n');
    const failing = controller(bad);
    const err = await failing.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdncError);
    expect((err as SdncError).code).toBe('SDNC_ERR_TOPOLOGY_FILE');
    await expect(failing.start()).rejects.toThrow('controller cannot start when stopped');

    const good = controller('topology/mini.yaml');
    await good.start();
    expect(good.topology.store.nodes()).toHaveLength(10);
    await good.stop();
  });

  it('accepts OpenFlow switches over TLS when a key and certificate are configured, and says where', async () => {
    const key = join(dir, 'of.key');
    const cert = join(dir, 'of.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=sdnc test controller',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const flags = {
      httpPort: 0,
      openflowPort: 0,
      openflowTlsPort: 0,
      openflowTlsKey: key,
      openflowTlsCert: cert,
      topology: 'topology/mini.yaml',
      dataDir: join(dir, 'tls-data'),
    };
    const c = new Controller(resolveConfig({ env: {}, flags }).config, createLogger('silent'));
    const urls = await c.start();
    try {
      expect(urls.openflow).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
      expect(urls.openflowTls).toMatch(/^ssl:127\.0\.0\.1:\d+$/);
      const port = Number(urls.openflowTls?.split(':')[2]);
      // The controller speaks first on a new connection: an OFPT_HELLO (version 0x04 = OpenFlow 1.3, type 0).
      const hello = await new Promise<Buffer>((resolve, reject) => {
        const sock = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => undefined);
        sock.once('data', (d: Buffer) => {
          sock.destroy();
          resolve(d);
        });
        sock.once('error', reject);
      });
      expect([hello[0], hello[1]]).toEqual([0x04, 0x00]);
    } finally {
      await c.stop();
    }

    const missing = { ...flags, openflowTlsKey: join(dir, 'nope.key'), dataDir: join(dir, 'tls-data-2') };
    const err = await new Controller(resolveConfig({ env: {}, flags: missing }).config, createLogger('silent'))
      .start()
      .catch((e: unknown) => e);
    expect((err as SdncError).code).toBe('SDNC_ERR_CONFIG');
    expect((err as SdncError).message).toMatch(/openflowTlsKey: .*nope\.key cannot be read \(ENOENT\)/);
  });
});
