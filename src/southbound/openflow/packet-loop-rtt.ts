import { randomBytes } from 'node:crypto';
import { OFP_NO_BUFFER, OfpActionType, OfpControllerMaxLen, type OfpPacketOut, OfpPortNo, OfpType } from './codec/index.js';
import { EchoRttTracker } from './echo-rtt-tracker.js';

/**
 * Control-channel round trip measured the way an LLDP probe uses the channel: a PACKET_OUT whose only
 * action outputs to OFPP_CONTROLLER, returned by the switch as a PACKET_IN (OpenFlow 1.3 sections
 * 7.3.7 and 7.4.1, reason OFPR_ACTION).
 *
 * Why not only ECHO: a probe costs the switch a packet-out execution on the sending side and a
 * packet-in on the receiving side, which an echo (answered straight from the connection) never pays.
 * On Open vSwitch (userspace datapath) the packet-out/packet-in loop measured 0.1-0.25 ms more than the
 * echo on the same connection, so half of each switch's loop is a closer estimate of a probe's two
 * control legs than half of each echo. Switches that do not answer the loop (no packet-in comes back)
 * keep the echo estimate.
 *
 * Loop frames carry ethertype 0x88b5 (IEEE 802 local experimental), a per-session tag and a sequence
 * number; they never leave the switch (the only action is the controller) and the session consumes
 * their packet-ins, so nothing else sees them.
 */
export class PacketLoopRtt {
  private readonly tag = randomBytes(8);
  /** Send times of loops not yet answered, by sequence number (at most a few: one per echo period). */
  private readonly pending = new Map<number, bigint>();
  private seq = 0;
  readonly tracker: EchoRttTracker;

  constructor(window: number, minSamples: number) {
    this.tracker = new EchoRttTracker(window, minSamples);
  }

  /** The next loop message to send; its send time is taken now. */
  next(nowNs: bigint): Omit<OfpPacketOut, 'xid'> {
    this.seq = (this.seq + 1) >>> 0;
    // Unanswered loops are forgotten after a few: a switch that drops them must not grow this map.
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as number);
    this.pending.set(this.seq, nowNs);
    const frame = Buffer.alloc(FRAME_BYTES);
    frame.fill(0xff, 0, 6); // never forwarded anywhere; the addresses only have to be well-formed
    frame.writeUInt16BE(ETH_TYPE_LOCAL_EXPERIMENTAL, 12);
    this.tag.copy(frame, 14);
    frame.writeUInt32BE(this.seq, 22);
    return {
      type: OfpType.OFPT_PACKET_OUT,
      bufferId: OFP_NO_BUFFER,
      // Not OFPP_CONTROLLER: output to the packet's own in_port is dropped unless it is OFPP_IN_PORT (7.2.5).
      inPort: OfpPortNo.OFPP_LOCAL,
      actions: [
        { type: OfpActionType.OFPAT_OUTPUT, port: OfpPortNo.OFPP_CONTROLLER, maxLen: OfpControllerMaxLen.OFPCML_NO_BUFFER },
      ],
      data: frame,
    };
  }

  /** True when `data` (a PACKET_IN's frame) is one of our loops; records its RTT then. */
  consume(data: Buffer, nowNs: bigint): boolean {
    if (data.length < 26 || data.readUInt16BE(12) !== ETH_TYPE_LOCAL_EXPERIMENTAL || !data.subarray(14, 22).equals(this.tag)) {
      return false;
    }
    const seq = data.readUInt32BE(22);
    const sent = this.pending.get(seq);
    if (sent !== undefined) {
      this.pending.delete(seq);
      this.tracker.add(Number(nowNs - sent) / 1e6);
    }
    return true;
  }
}

const ETH_TYPE_LOCAL_EXPERIMENTAL = 0x88b5;
const FRAME_BYTES = 60;
const MAX_PENDING = 8;
