import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import {
  decodeMessage,
  encodeMessage,
  OfpFramer,
  type OfpHello,
  OfpHelloElemType,
  type OfpMessage,
  OfpMultipartType,
  type OfpPort,
  OfpType,
  versionBitmaps,
} from '../../../../src/southbound/openflow/codec/index.js';

export interface SimulatedSwitchOptions {
  readonly datapathId: bigint;
  readonly ports?: readonly OfpPort[];
  /** HELLO header version and advertised versions (bitmap); `bitmap: null` sends no bitmap. */
  readonly helloVersion?: number;
  readonly bitmap?: readonly number[] | null;
  /** Split the PORT_DESC reply into one part per port (REPLY_MORE on all but the last). */
  readonly splitPortDesc?: boolean;
}

export function port(portNo: number, up = true): OfpPort {
  return {
    portNo,
    hwAddr: `02:00:00:00:00:${portNo.toString(16).padStart(2, '0')}`,
    name: `eth${portNo}`,
    config: 0,
    state: up ? 4 : 1,
    curr: 0,
    advertised: 0,
    supported: 0,
    peer: 0,
    currSpeedKbps: 10_000_000,
    maxSpeedKbps: 10_000_000,
  };
}

/**
 * A scriptable OpenFlow 1.3 switch for session tests: answers the handshake, echoes and barriers by
 * itself; `answer` lets a test override the reply to any message (return null to stay silent).
 */
export class SimulatedSwitch {
  readonly received: OfpMessage[] = [];
  socket!: Socket;
  answer: ((m: OfpMessage) => OfpMessage[] | null | undefined) | undefined;
  closed = false;
  private readonly framer = new OfpFramer();

  constructor(private readonly opts: SimulatedSwitchOptions) {}

  connect(port: number, tls?: ConnectionOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = tls
        ? tlsConnect({ port, host: '127.0.0.1', ...tls }, () => resolve())
        : netConnect(port, '127.0.0.1', () => resolve());
      this.socket.once('error', reject);
      this.socket.on('error', () => {});
      this.socket.on('close', () => {
        this.closed = true;
      });
      this.socket.on('data', (chunk: Buffer) => {
        for (const frame of this.framer.push(chunk)) this.onMessage(decodeMessage(frame));
      });
      const hello: OfpHello = {
        type: OfpType.OFPT_HELLO,
        xid: 1,
        version: this.opts.helloVersion ?? 4,
        elements:
          this.opts.bitmap === null
            ? []
            : [{ type: OfpHelloElemType.OFPHET_VERSIONBITMAP, bitmaps: versionBitmaps(this.opts.bitmap ?? [4]) }],
      };
      this.socket.write(encodeMessage(hello));
    });
  }

  send(m: OfpMessage): void {
    this.socket.write(encodeMessage(m));
  }

  sendRaw(b: Buffer): void {
    this.socket.write(b);
  }

  close(): void {
    this.socket.destroy();
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('switch connection not closed')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private onMessage(m: OfpMessage): void {
    this.received.push(m);
    const custom = this.answer?.(m);
    if (custom === null) return;
    for (const r of custom ?? this.defaultAnswer(m)) this.send(r);
  }

  private defaultAnswer(m: OfpMessage): OfpMessage[] {
    switch (m.type) {
      case OfpType.OFPT_FEATURES_REQUEST:
        return [
          {
            type: OfpType.OFPT_FEATURES_REPLY,
            xid: m.xid,
            datapathId: this.opts.datapathId,
            nBuffers: 0,
            nTables: 254,
            auxiliaryId: 0,
            capabilities: 0x4f,
            reserved: 0,
          },
        ];
      case OfpType.OFPT_ECHO_REQUEST:
        return [{ type: OfpType.OFPT_ECHO_REPLY, xid: m.xid, data: m.data }];
      case OfpType.OFPT_BARRIER_REQUEST:
        return [{ type: OfpType.OFPT_BARRIER_REPLY, xid: m.xid }];
      case OfpType.OFPT_MULTIPART_REQUEST: {
        if (m.mpType !== OfpMultipartType.OFPMP_PORT_DESC) return [];
        const ports = this.opts.ports ?? [port(1), port(2)];
        const groups = this.opts.splitPortDesc ? ports.map((p) => [p]) : [ports];
        return groups.map((body, i) => ({
          type: OfpType.OFPT_MULTIPART_REPLY,
          xid: m.xid,
          mpType: OfpMultipartType.OFPMP_PORT_DESC,
          flags: i < groups.length - 1 ? 1 : 0,
          body,
        }));
      }
      default:
        return [];
    }
  }
}
