/**
 * cbench-style simulated switches (throughput mode), run as a separate process so they do not share
 * the controller's event loop: each connects to the controller, completes the OpenFlow 1.3 handshake,
 * then keeps `window` PACKET_INs outstanding (a new one for every FLOW_MOD received) for `durationMs`
 * and counts the FLOW_MOD responses. Every PACKET_IN carries a distinct source MAC, as in cbench.
 *
 * Usage: cbench-switch PORT SWITCHES DURATION_MS WINDOW  -> prints one JSON line {responses, seconds}.
 */
import { connect, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  decodeMessage,
  encodeMessage,
  OfpFramer,
  OfpHelloElemType,
  type OfpMessage,
  OfpMultipartType,
  OfpType,
  OxmOfbField,
  versionBitmaps,
} from '../src/southbound/openflow/codec/index.js';

const RING = 1024;

function packetIns(switchIndex: number): Buffer[] {
  return Array.from({ length: RING }, (_, i) => {
    const frame = Buffer.alloc(60);
    Buffer.from([0x0a, 0, 0, 0, 0, 1]).copy(frame, 0);
    Buffer.from([0x02, switchIndex & 0xff, 0, 0, (i >> 8) & 0xff, i & 0xff]).copy(frame, 6);
    frame.writeUInt16BE(0x0800, 12);
    return encodeMessage({
      type: OfpType.OFPT_PACKET_IN,
      xid: 0,
      bufferId: 0xffffffff,
      totalLen: frame.length,
      reason: 0,
      tableId: 0,
      cookie: 0xffffffffffffffffn,
      match: [{ field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 1 + (i % 4) }],
      data: frame,
    });
  });
}

function runSwitch(port: number, index: number, durationMs: number, window: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const framer = new OfpFramer();
    const ring = packetIns(index);
    let next = 0;
    let responses = 0;
    let measuring = false;
    const socket: Socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('error', reject);
    const send = (m: OfpMessage) => socket.write(encodeMessage(m));
    const fire = (n: number) => {
      const chunk: Buffer[] = [];
      for (let i = 0; i < n; i++) chunk.push(ring[next++ % RING]);
      socket.write(Buffer.concat(chunk));
    };
    send({
      type: OfpType.OFPT_HELLO,
      xid: 1,
      elements: [{ type: OfpHelloElemType.OFPHET_VERSIONBITMAP, bitmaps: versionBitmaps([4]) }],
    });
    socket.on('data', (data: Buffer) => {
      let flowMods = 0;
      for (const frame of framer.push(data)) {
        const type = frame[1];
        // Count FLOW_MODs without decoding them: the responder's rate is what is measured, not ours.
        if (type === OfpType.OFPT_FLOW_MOD) {
          flowMods++;
          continue;
        }
        const m = decodeMessage(frame);
        if (m.type === OfpType.OFPT_FEATURES_REQUEST) {
          send({
            type: OfpType.OFPT_FEATURES_REPLY,
            xid: m.xid,
            datapathId: BigInt(0xcb00 + index),
            nBuffers: 0,
            nTables: 1,
            auxiliaryId: 0,
            capabilities: 0,
            reserved: 0,
          });
        } else if (m.type === OfpType.OFPT_MULTIPART_REQUEST && m.mpType === OfpMultipartType.OFPMP_PORT_DESC) {
          send({ type: OfpType.OFPT_MULTIPART_REPLY, xid: m.xid, mpType: OfpMultipartType.OFPMP_PORT_DESC, flags: 0, body: [] });
          // Handshake done: start the measured period.
          setTimeout(() => {
            measuring = true;
            fire(window);
            setTimeout(() => {
              measuring = false;
              socket.destroy();
              resolve(responses);
            }, durationMs);
          }, 100);
        } else if (m.type === OfpType.OFPT_ECHO_REQUEST) {
          send({ type: OfpType.OFPT_ECHO_REPLY, xid: m.xid, data: m.data });
        } else if (m.type === OfpType.OFPT_BARRIER_REQUEST) {
          send({ type: OfpType.OFPT_BARRIER_REPLY, xid: m.xid });
        }
      }
      if (measuring && flowMods > 0) {
        responses += flowMods;
        fire(flowMods);
      }
    });
  });
}

export async function runCbenchSwitches(
  port: number,
  switches: number,
  durationMs: number,
  window: number,
): Promise<{ responses: number; seconds: number }> {
  const counts = await Promise.all(Array.from({ length: switches }, (_, i) => runSwitch(port, i, durationMs, window)));
  return { responses: counts.reduce((a, b) => a + b, 0), seconds: durationMs / 1000 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [port, switches, durationMs, window] = process.argv.slice(2).map(Number);
  runCbenchSwitches(port, switches || 4, durationMs || 3000, window || 500).then(
    (r) => console.log(JSON.stringify(r)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
