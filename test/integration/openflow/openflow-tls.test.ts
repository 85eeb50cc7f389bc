import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenflowServer } from '../../../src/southbound/openflow/openflow-server.js';
import type { OpenflowSession } from '../../../src/southbound/openflow/openflow-session.js';
import { SimulatedSwitch } from '../../unit/southbound/openflow/simulated-switch.js';
import { ControllerFixture, until } from './controller-fixture.js';
import { OvsHarness } from './ovs-harness.js';

const run = promisify(execFile);
const ovs = await OvsHarness.available();

/** A throwaway CA with a controller and a switch certificate (P-256, valid one day), made with openssl. */
async function makeCerts(dir: string): Promise<Record<'ca' | 'ctlKey' | 'ctlCert' | 'swKey' | 'swCert', string>> {
  const p = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=sdnc test CA',
  ]);
  for (const who of ['ctl', 'sw']) {
    await run('openssl', ['req', ...ec, '-keyout', p(`${who}.key`), '-out', p(`${who}.csr`), '-subj', `/CN=sdnc test ${who}`]);
    writeFileSync(p(`${who}.ext`), 'subjectAltName=IP:127.0.0.1\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p(`${who}.csr`),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p(`${who}.pem`),
      '-days',
      '1',
      '-extfile',
      p(`${who}.ext`),
    ]);
  }
  return { ca: p('ca.pem'), ctlKey: p('ctl.key'), ctlCert: p('ctl.pem'), swKey: p('sw.key'), swCert: p('sw.pem') };
}

describe('OpenFlow over mutual TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-of-tls-'));
  let certs: Awaited<ReturnType<typeof makeCerts>>;
  let server: OpenflowServer;
  let tlsPort = 0;
  const logs: string[] = [];
  const ups: OpenflowSession[] = [];

  beforeAll(async () => {
    certs = await makeCerts(dir);
    server = new OpenflowServer({
      host: '127.0.0.1',
      port: null,
      tls: {
        port: 0,
        key: readFileSync(certs.ctlKey),
        cert: readFileSync(certs.ctlCert),
        ca: readFileSync(certs.ca),
        requireClientCert: true,
      },
      log: (l, m, d) => logs.push(`${l} ${m} ${JSON.stringify(d)}`),
    });
    tlsPort = (await server.start()).tlsPort!;
    server.onSessionUp((s) => ups.push(s));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a switch with a certificate from the configured CA', async () => {
    const sw = new SimulatedSwitch({ datapathId: 0x7151n });
    await sw.connect(tlsPort, {
      ca: readFileSync(certs.ca),
      key: readFileSync(certs.swKey),
      cert: readFileSync(certs.swCert),
      servername: '',
    });
    await until(() => ups.some((s) => s.device === '0000000000007151'), 5000, 'TLS session up');
    sw.close();
  });

  it('refuses a switch without a client certificate', async () => {
    const sw = new SimulatedSwitch({ datapathId: 0x7152n });
    await sw.connect(tlsPort, { ca: readFileSync(certs.ca), servername: '' }).catch(() => {});
    await until(() => sw.closed, 5000, 'connection refused');
    expect(ups.some((s) => s.device === '0000000000007152')).toBe(false);
    expect(logs.join('\n')).toMatch(/TLS handshake with a switch failed/);
  });

  // OVS keeps one SSL configuration per host: only run when nobody else configured one.
  it.skipIf(!ovs)('connects a userspace Open vSwitch bridge over ssl:', async (ctx) => {
    const before = (await run('ovs-vsctl', ['get-ssl'])).stdout.trim();
    // Reported as skipped, not passed: Open vSwitch already has an SSL configuration we must not touch.
    if (before !== '') ctx.skip();
    const fx = new ControllerFixture('sdoft', {
      port: null,
      tls: { port: 0, key: readFileSync(certs.ctlKey), cert: readFileSync(certs.ctlCert), ca: readFileSync(certs.ca) },
    });
    try {
      await fx.harness.removeStale();
      const { tlsPort: p } = await fx.server.start();
      await run('ovs-vsctl', ['set-ssl', certs.swKey, certs.swCert, certs.ca]);
      await fx.harness.addBridge('br', '00000000000071f0', `ssl:127.0.0.1:${p}`);
      await fx.connected('00000000000071f0');
      expect((await fx.driver.readState('00000000000071f0')).flows).toHaveLength(1);
    } finally {
      await fx.stop();
      await run('ovs-vsctl', ['del-ssl']);
    }
  });
});
