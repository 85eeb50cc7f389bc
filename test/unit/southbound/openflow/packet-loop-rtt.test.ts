import { afterEach, describe, expect, it } from 'vitest';
import { type OfpMessage, OfpType, OxmOfbField } from '../../../../src/southbound/openflow/codec/index.js';
import { OpenflowServer } from '../../../../src/southbound/openflow/openflow-server.js';
import type { OpenflowSession } from '../../../../src/southbound/openflow/openflow-session.js';
import { PacketLoopRtt } from '../../../../src/southbound/openflow/packet-loop-rtt.js';
import { SimulatedSwitch } from './simulated-switch.js';

const OFPP_CONTROLLER = 0xfffffffd;
const OFPP_LOCAL = 0xfffffffe;

describe('PacketLoopRtt', () => {
  it('builds a packet-out to the controller and recognises only its own frames', () => {
    const loop = new PacketLoopRtt(9, 1);
    const other = new PacketLoopRtt(9, 1);
    const msg = loop.next(1_000_000n);
    expect(msg).toMatchObject({ inPort: OFPP_LOCAL, actions: [{ port: OFPP_CONTROLLER, maxLen: 0xffff }] });
    expect(other.consume(msg.data, 2_000_000n)).toBe(false);
    expect(loop.consume(Buffer.alloc(60), 2_000_000n)).toBe(false);
    expect(loop.consume(msg.data, 1_700_000n)).toBe(true);
    expect(loop.tracker.estimateMs).toBeCloseTo(0.7, 9);
    // A duplicate is still ours (consumed) but adds no sample.
    expect(loop.consume(msg.data, 9_000_000n)).toBe(true);
    expect(loop.tracker.count).toBe(1);
  });
});

describe('OpenflowSession control RTT', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function connect(answerLoops: boolean) {
    const server = new OpenflowServer({ host: '127.0.0.1', port: 0 });
    const { tcpPort } = await server.start();
    cleanup.push(() => server.stop());
    const messages: OfpMessage[] = [];
    const ready = new Promise<OpenflowSession>((resolve) => server.onSessionUp(resolve));
    server.onMessage((_s, m) => messages.push(m));
    const sw = new SimulatedSwitch({ datapathId: 0x5n });
    cleanup.push(() => sw.close());
    sw.answer = (m) => {
      if (m.type !== OfpType.OFPT_PACKET_OUT) return undefined;
      if (!answerLoops) return null;
      // What Open vSwitch does with output:CONTROLLER in a packet-out (OFPR_ACTION, section 7.4.1).
      return [
        {
          type: OfpType.OFPT_PACKET_IN,
          xid: 0,
          bufferId: 0xffffffff,
          totalLen: m.data.length,
          reason: 1,
          tableId: 0,
          cookie: 0xffffffffffffffffn,
          match: [{ field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: OFPP_LOCAL }],
          data: m.data,
        } as OfpMessage,
      ];
    };
    await sw.connect(tcpPort!);
    const session = await ready;
    return { session, sw, messages };
  }

  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  }

  it('primes the RTT right after the handshake and uses the packet-out -> packet-in loop, consuming its packet-ins', async () => {
    const { session, sw, messages } = await connect(true);
    expect(session.controlRttMs).toBeUndefined(); // no single-sample estimate
    await until(() => session.controlRttMs !== undefined && session.echoRttMs !== undefined);
    const loops = sw.received.filter((m) => m.type === OfpType.OFPT_PACKET_OUT);
    expect(loops.length).toBeGreaterThanOrEqual(3);
    // Every loop packet-in was taken by the session: nothing reaches the message listeners.
    expect(messages.filter((m) => m.type === OfpType.OFPT_PACKET_IN)).toEqual([]);
  });

  it('falls back to the echo RTT when the switch does not answer the loop', async () => {
    const { session } = await connect(false);
    await until(() => session.echoRttMs !== undefined);
    expect(session.controlRttMs).toBe(session.echoRttMs);
  });
});
