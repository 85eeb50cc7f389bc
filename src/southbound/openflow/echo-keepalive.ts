import { type OfpMessage, OfpType } from './codec/index.js';
import { EchoRttTracker } from './echo-rtt-tracker.js';
import { PacketLoopRtt } from './packet-loop-rtt.js';
import type { OutgoingMessage } from './request-tracker.js';

/** What the keepalive needs from its connection. */
export interface KeepaliveChannel {
  /** True once the handshake completed and until the connection closes. */
  isReady(): boolean;
  send(msg: OutgoingMessage): Promise<void>;
  request(msg: OutgoingMessage, timeoutMs: number): Promise<OfpMessage>;
  close(reason: string): void;
}

const RTT_SAMPLES = 9;
/**
 * Echo samples taken right after the handshake, spread over about a second: an RTT estimate exists
 * after the third (~0.2 s), and a switch busy with its connection setup for part of that second does
 * not leave only inflated samples in the window.
 */
const PRIMING_ECHOES = 10;
const PRIMING_GAP_MS = 100;
/** Samples before `echoRttMs` gives an estimate. */
const RTT_MIN_SAMPLES = 3;

/**
 * ECHO keepalive of one connection (section 6.3.2): an ECHO_REQUEST every `echoIntervalMs`, each a
 * control-channel RTT sample, with a packet-out -> packet-in loop sent alongside; the peer is dead
 * when nothing at all arrived for `deadAfterMs`.
 */
export class EchoKeepalive {
  /** Last echo RTT samples; the estimate is their minimum (see echo-rtt-tracker.ts). */
  private readonly rtt = new EchoRttTracker(RTT_SAMPLES, RTT_MIN_SAMPLES);
  /** Packet-out -> packet-in round trips, sent alongside every echo (see packet-loop-rtt.ts). */
  private readonly loop = new PacketLoopRtt(RTT_SAMPLES, RTT_MIN_SAMPLES);
  private lastRxMs = Date.now();
  private echoInFlight = false;
  private echoTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly channel: KeepaliveChannel,
    private readonly echoIntervalMs: number,
    private readonly deadAfterMs: number,
  ) {}

  /**
   * Control-channel round trip (ECHO): the minimum of the last samples, undefined until the priming
   * echoes after the handshake have answered. A single sample is not trusted: the echo taken while the
   * switch is still busy with its handshake and first rules is often ten times the channel's base RTT,
   * and link latency subtracts half of it (see echo-rtt-tracker.ts).
   */
  get echoRttMs(): number | undefined {
    return this.rtt.estimateMs;
  }

  /**
   * Round trip of the control channel as an LLDP probe uses it: the packet-out -> packet-in loop
   * when the switch answers it, the echo RTT otherwise; undefined until either has enough samples.
   */
  get controlRttMs(): number | undefined {
    return this.loop.tracker.estimateMs ?? this.rtt.estimateMs;
  }

  /** Any message from the peer shows it alive. */
  noteReceived(): void {
    this.lastRxMs = Date.now();
  }

  /** Start the periodic echo once the handshake completed, beginning with the priming echoes. */
  start(): void {
    this.lastRxMs = Date.now();
    this.echoTimer = setInterval(() => this.heartbeat(), this.echoIntervalMs);
    this.echoTimer.unref();
    this.primeEcho().catch(() => {});
  }

  stop(): void {
    clearInterval(this.echoTimer);
  }

  /** True when `data` (a PACKET_IN's frame) is one of our loops; records its RTT then. */
  consumeLoop(data: Buffer): boolean {
    return this.loop.consume(data, process.hrtime.bigint());
  }

  /** One ECHO round trip now; records it for `echoRttMs` and returns this sample in ms. */
  async measureEcho(): Promise<number> {
    this.sendLoop();
    const t0 = process.hrtime.bigint();
    await this.channel.request({ type: OfpType.OFPT_ECHO_REQUEST, data: Buffer.alloc(0) }, this.deadAfterMs);
    const sample = Number(process.hrtime.bigint() - t0) / 1e6;
    this.rtt.add(sample);
    return sample;
  }

  /** One packet-out -> packet-in loop; its packet-in comes back through consumeLoop(). */
  private sendLoop(): void {
    if (!this.channel.isReady()) return;
    this.channel.send(this.loop.next(process.hrtime.bigint())).catch(() => {});
  }

  /** A few echoes in quick succession, so discovery has a control-channel RTT to correct with. */
  private async primeEcho(): Promise<void> {
    this.echoInFlight = true;
    try {
      for (let i = 0; i < PRIMING_ECHOES && this.channel.isReady(); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, PRIMING_GAP_MS).unref());
        await this.measureEcho();
      }
    } finally {
      this.echoInFlight = false;
    }
  }

  private heartbeat(): void {
    const silentMs = Date.now() - this.lastRxMs;
    if (silentMs > this.deadAfterMs) {
      this.channel.close(`no message from the switch for ${silentMs} ms (echo keepalive timed out)`);
      return;
    }
    if (this.echoInFlight) return;
    this.echoInFlight = true;
    this.measureEcho()
      .catch(() => {})
      .finally(() => {
        this.echoInFlight = false;
      });
  }
}
