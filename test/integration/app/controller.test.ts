import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
