import { afterEach, describe, expect, it } from 'vitest';
import { SdncError } from '../../../../src/model/errors.js';
import { OfpErrorType, type OfpMessage, OfpType } from '../../../../src/southbound/openflow/codec/index.js';
import { OpenflowServer, type OpenflowServerOptions } from '../../../../src/southbound/openflow/openflow-server.js';
import type { OpenflowSession } from '../../../../src/southbound/openflow/openflow-session.js';
import { port, SimulatedSwitch } from './simulated-switch.js';

const servers: OpenflowServer[] = [];
const switches: SimulatedSwitch[] = [];

afterEach(async () => {
  for (const s of switches.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function startServer(opts: OpenflowServerOptions = {}) {
  const logs: string[] = [];
  const server = new OpenflowServer({
    host: '127.0.0.1',
    port: 0,
    log: (l, m, d) => logs.push(`${l} ${m} ${JSON.stringify(d)}`),
    ...opts,
  });
  servers.push(server);
  const { tcpPort } = await server.start();
  const ups: OpenflowSession[] = [];
  const downs: string[] = [];
  server.onSessionUp((s) => ups.push(s));
  server.onSessionDown((s, reason) => downs.push(`${s.device}: ${reason}`));
  return { server, port: tcpPort!, logs, ups, downs };
}

async function connectSwitch(portNo: number, opts: ConstructorParameters<typeof SimulatedSwitch>[0]) {
  const sw = new SimulatedSwitch(opts);
  switches.push(sw);
  await sw.connect(portNo);
  return sw;
}

function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error('condition not reached'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('OpenflowSession and OpenflowServer', () => {
  it('completes the handshake: datapath id, ports from a multipart reply in several parts, miss_send_len', async () => {
    const { server, port: p, ups } = await startServer();
    const sw = await connectSwitch(p, { datapathId: 0xabcn, ports: [port(1), port(2), port(3, false)], splitPortDesc: true });
    await waitUntil(() => ups.length === 1);
    const s = server.session('0000000000000abc')!;
    expect(s.state).toBe('ready');
    expect([...s.ports.keys()]).toEqual([1, 2, 3]);
    const setConfig = sw.received.find((m) => m.type === OfpType.OFPT_SET_CONFIG);
    expect(setConfig).toMatchObject({ missSendLen: 0xffff });
    expect(sw.received[0]).toMatchObject({ type: OfpType.OFPT_HELLO, elements: [{ bitmaps: [1 << 4] }] });
  });

  it('answers a peer that speaks only OpenFlow 1.0 with HELLO_FAILED and closes only that connection', async () => {
    const { port: p, logs, ups } = await startServer();
    const old = new SimulatedSwitch({ datapathId: 1n, helloVersion: 1, bitmap: null });
    switches.push(old);
    const errors: OfpMessage[] = [];
    old.answer = (m) => {
      if (m.type === OfpType.OFPT_ERROR) errors.push(m);
      return null;
    };
    // The codec decodes a HELLO or ERROR of any version; our ERROR carries version 1 so the peer can read it.
    await old.connect(p);
    await old.waitClosed();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ version: 1, errType: OfpErrorType.OFPET_HELLO_FAILED, code: 0 });
    expect((errors[0] as { data: Buffer }).data.toString()).toMatch(/only 0x04/);
    expect(logs.join('\n')).toMatch(/version negotiation failed.*0x01/);
    const good = await connectSwitch(p, { datapathId: 2n, bitmap: [1, 4, 5] });
    await waitUntil(() => ups.length === 1);
    expect(good.closed).toBe(false);
  });

  it('closes only the connection that sent a malformed message, with a logged reason', async () => {
    const { server, port: p, logs, ups, downs } = await startServer();
    const a = await connectSwitch(p, { datapathId: 0xan });
    const b = await connectSwitch(p, { datapathId: 0xbn });
    await waitUntil(() => ups.length === 2);
    // A header whose length (4) is shorter than the header itself.
    a.sendRaw(Buffer.from([0x04, 0x0a, 0x00, 0x04, 0, 0, 0, 9]));
    await a.waitClosed();
    await waitUntil(() => downs.length === 1);
    expect(downs[0]).toMatch(/^000000000000000a: malformed message/);
    expect(logs.join('\n')).toMatch(/malformed OpenFlow message; closing this connection.*"device":"000000000000000a"/);
    expect(b.closed).toBe(false);
    expect(await server.session('000000000000000b')!.measureEcho()).toBeGreaterThanOrEqual(0);
  });

  it('detects a dead peer by echo keepalive', async () => {
    const { port: p, ups, downs } = await startServer({ echoIntervalMs: 50, deadAfterMs: 200 });
    const sw = await connectSwitch(p, { datapathId: 0xdn });
    await waitUntil(() => ups.length === 1);
    sw.answer = () => null; // stops answering anything
    await waitUntil(() => downs.length === 1, 3000);
    expect(downs[0]).toMatch(/echo keepalive timed out/);
  });

  it('times out an unanswered request with a typed error and matches replies by xid', async () => {
    const { server, port: p, ups } = await startServer({ requestTimeoutMs: 150 });
    const sw = await connectSwitch(p, { datapathId: 0xen });
    await waitUntil(() => ups.length === 1);
    const s = server.session('000000000000000e')!;
    sw.answer = (m) => (m.type === OfpType.OFPT_BARRIER_REQUEST ? null : undefined);
    const err = await s.request({ type: OfpType.OFPT_BARRIER_REQUEST }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdncError);
    expect(err).toMatchObject({ code: 'SDNC_ERR_DEVICE_TIMEOUT', details: { request: 'OFPT_BARRIER_REQUEST', timeoutMs: 150 } });
    // Replies out of order still reach the right request.
    const held: OfpMessage[] = [];
    sw.answer = (m) => {
      if (m.type !== OfpType.OFPT_ECHO_REQUEST) return undefined;
      held.push(m);
      if (held.length < 2) return null;
      return held.reverse().map((h) => ({ type: OfpType.OFPT_ECHO_REPLY, xid: h.xid, data: (h as { data: Buffer }).data }));
    };
    const [r1, r2] = await Promise.all([
      s.request({ type: OfpType.OFPT_ECHO_REQUEST, data: Buffer.from('one') }),
      s.request({ type: OfpType.OFPT_ECHO_REQUEST, data: Buffer.from('two') }),
    ]);
    expect((r1 as { data: Buffer }).data.toString()).toBe('one');
    expect((r2 as { data: Buffer }).data.toString()).toBe('two');
  });

  it('reports which messages of a barrier-confirmed batch the switch refused', async () => {
    const { server, port: p, ups } = await startServer();
    const sw = await connectSwitch(p, { datapathId: 0xfn });
    await waitUntil(() => ups.length === 1);
    const s = server.session('000000000000000f')!;
    let n = 0;
    sw.answer = (m) => {
      if (m.type !== OfpType.OFPT_ECHO_REPLY || n++ !== 1) return undefined;
      return [{ type: OfpType.OFPT_ERROR, xid: m.xid, errType: OfpErrorType.OFPET_BAD_REQUEST, code: 1, data: Buffer.alloc(0) }];
    };
    const batch = [0, 1, 2].map(() => ({ type: OfpType.OFPT_ECHO_REPLY, data: Buffer.alloc(0) }) as const);
    const outcome = await s.sendBatch(batch);
    expect(outcome.errors.map((e) => e.index)).toEqual([1]);
    expect(sw.received.at(-1)?.type).toBe(OfpType.OFPT_BARRIER_REQUEST);
  });

  it('replaces the session of a datapath that reconnects without reporting it gone', async () => {
    const { server, port: p, ups, downs } = await startServer();
    const first = await connectSwitch(p, { datapathId: 0x42n });
    await waitUntil(() => ups.length === 1);
    const second = await connectSwitch(p, { datapathId: 0x42n });
    await waitUntil(() => ups.length === 2);
    await first.waitClosed();
    expect(server.session('0000000000000042')).toBe(ups[1]);
    expect(ups[0].closeReason).toMatch(/replaced by a new connection/);
    expect(downs).toEqual([]);
    second.close();
    await waitUntil(() => downs.length === 1);
  });

  it('applies backpressure: a switch that stops reading bounds the queue and overload is refused', async () => {
    const { server, port: p, ups } = await startServer({ maxQueueBytes: 256 * 1024 });
    const sw = await connectSwitch(p, { datapathId: 0x99n });
    await waitUntil(() => ups.length === 1);
    const s = server.session('0000000000000099')!;
    sw.socket.pause();
    const frame = Buffer.alloc(60_000, 0xab);
    const sends = Array.from({ length: 800 }, () =>
      s.send({ type: OfpType.OFPT_PACKET_OUT, bufferId: 0xffffffff, inPort: 0xfffffffd, actions: [], data: frame }).then(
        () => 'sent',
        (e: SdncError) => e.code,
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(s.queuedBytes).toBeLessThanOrEqual(256 * 1024 + 60_100);
    sw.socket.resume();
    const results = await Promise.all(sends);
    expect(results).toContain('SDNC_ERR_DEVICE_OVERLOADED');
    expect(results).toContain('sent');
    expect(s.state).toBe('ready');
  });
});
