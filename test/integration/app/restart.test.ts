import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type SdncProcess, startSdnc } from './sdnc-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sdnc-restart-'));
const running: SdncProcess[] = [];
afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<SdncProcess> {
  const p = await startSdnc(['--topology', 'topology/mini.yaml', '--data-dir', dataDir, '--log-level', 'info']);
  running.push(p);
  return p;
}

async function getLink(p: SdncProcess, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${p.baseUrl}/api/v1/links/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('sdnc serve as a process', () => {
  it('keeps a topology edit made over HTTP across kill -9 and a restart on the same data directory', async () => {
    const first = await start();
    expect(await getLink(first, 'lyon-par.a')).toMatchObject({ capacityMbps: 50, adminUp: true });
    const patch = await fetch(`${first.baseUrl}/api/v1/links/lyon-par`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capacityMbps: 12, adminUp: false }),
    });
    expect(patch.status).toBe(200);
    // No graceful shutdown: the edit must already be on disk when the response was sent.
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await start();
    expect(await getLink(second, 'lyon-par.a')).toMatchObject({ capacityMbps: 12, adminUp: false });
    expect(await getLink(second, 'lyon-par.b')).toMatchObject({ capacityMbps: 12, adminUp: false });
    // Links the edit did not touch come from the file as written.
    expect(await getLink(second, 'str-fra.a')).toMatchObject({ capacityMbps: 50, adminUp: true });
    expect(second.stdout()).toContain('"editsApplied":1');

    // SIGTERM: stop accepting, close the server and the database, exit 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain('"msg":"sdnc stopped"');

    const listed = await runCli(['topology', 'edits', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout.trim())).toMatchObject({ seq: 1, kind: 'link-patched', idOrCable: 'lyon-par' });
  });

  it('refuses to start with a clear message when the HTTP port is taken', async () => {
    const holder = await start();
    const port = new URL(holder.baseUrl).port;
    const clash = await runCli([
      'serve',
      '--http-port',
      port,
      '--topology',
      'topology/mini.yaml',
      '--data-dir',
      join(dataDir, 'b'),
    ]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(
      `SDNC_ERR_CONFIG: Configuration is invalid: httpPort/host: 127.0.0.1:${port} is already in use`,
    );
    holder.child.kill('SIGTERM');
    expect(await holder.exited).toBe(0);
  });
});

describe('sdnc topology validate', () => {
  it('prints a summary and exits 0 for the shipped files', async () => {
    const r = await runCli(['topology', 'validate', 'topology/mini.yaml', 'topology/eu-continuum.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^topology\/mini\.yaml: ok, 4 providers, 6 sites, 4 endpoints, 7 cables\n/);
    expect(r.stdout).toMatch(/topology\/eu-continuum\.yaml: ok, \d+ providers, \d+ sites, \d+ endpoints, \d+ cables\n$/);
  });

  it('prints every problem and exits 1 for an invalid file; bad settings exit 1 too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdnc-validate-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'providers: []\nnodes:\n  - { id: a, kind: switch, name: A, provider: p, jurisdiction: de }\n');
      const r = await runCli(['topology', 'validate', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `${bad}: /nodes/0 is missing required property 'datapathId' (line 3)`,
        `${bad}: /nodes/0/jurisdiction must be an ISO 3166-1 alpha-2 country code in upper case (e.g. DE) (line 3)`,
      ]);
      const cfg = await runCli(['serve', '--data-dir', dir], { SDNC_LOG_LEVEL: 'chatty' });
      expect(cfg.code).toBe(1);
      expect(cfg.stderr).toContain('logLevel from env SDNC_LOG_LEVEL: "chatty" is not one of');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
