import type { FlowRule } from '../../model/flow.js';
import { readMac, writeMac } from '../mac-address.js';
/**
 * LLDP probe frames (IEEE 802.1AB-2016 section 8) as pure functions: build one probe, parse one back.
 *
 * A probe names its sender the way an OpenFlow controller knows it: the chassis id is the datapath id and
 * the port id the OpenFlow port number, both as locally assigned strings (chassis subtype 7, port
 * subtype 7; section 8.5.2.2 and 8.5.3.2), so tshark and `lldpctl` show them readably. Two
 * organisationally specific TLVs (section 8.6) carry what latency measurement needs: the controller
 * instance that sent the probe and the send time in nanoseconds on that instance's monotonic clock.
 * A probe from another controller instance (another process, or this one before a restart) carries a
 * timestamp from a different clock and must not be used for latency.
 */

/** Nearest-bridge group address (section 7.1): not forwarded by 802.1D bridges. */
export const LLDP_MULTICAST_MAC = '01:80:c2:00:00:0e';
export const ETH_TYPE_LLDP = 0x88cc;

/**
 * Punt LLDP to the controller at top priority so discovery works whatever else is installed. Every
 * driver (OpenFlow, P4Runtime) installs it as its infrastructure rule.
 */
export const LLDP_PUNT_RULE: Omit<FlowRule, 'device'> = {
  tableId: 0,
  priority: 0xffff,
  match: { ethType: ETH_TYPE_LLDP },
  actions: [{ type: 'output', port: 'controller' }],
  cookie: 0,
};

/**
 * Company ID used in our organisationally specific TLVs. It has the IEEE CID form (second-lowest bits
 * of the first octet X=1, M=0: 0x_A), a locally administered space no vendor OUI is assigned from.
 */
export const SDNC_LLDP_OUI = 0x5a_d3_c0;
export enum SdncLldpSubtype {
  /** 8 bytes: controller instance id. */
  INSTANCE = 0x01,
  /** 8 bytes: send time in ns, big-endian unsigned. */
  SEND_TIME_NS = 0x02,
}

enum LldpTlvType {
  END = 0,
  CHASSIS_ID = 1,
  PORT_ID = 2,
  TTL = 3,
  ORGANIZATIONALLY_SPECIFIC = 127,
}

const CHASSIS_SUBTYPE_LOCAL = 7;
const PORT_SUBTYPE_LOCAL = 7;
const CHASSIS_PREFIX = 'dpid:';
/** Minimum Ethernet frame without FCS (IEEE 802.3 clause 3.2.9). */
const MIN_FRAME_BYTES = 60;
const ETH_HEADER_BYTES = 14;

export interface LldpProbe {
  /** Datapath id of the sending switch, 16 lower-case hex digits. */
  readonly datapathId: string;
  readonly port: number;
  /** Controller instance that built the probe (64-bit, as 16 hex digits). */
  readonly instance: string;
  /** Send time in ns on the sending instance's monotonic clock. */
  readonly sendTimeNs: bigint;
}

export interface BuildLldpOptions extends LldpProbe {
  /** Source MAC of the frame: the hardware address of the port it leaves by. */
  readonly srcMac: string;
  /** Seconds a receiver may keep the information (section 8.5.4). */
  readonly ttlS?: number;
}

/** Parse result: a probe of ours, some other LLDP frame, or a frame that is not LLDP / is broken. */
export type LldpParseResult =
  | { readonly kind: 'probe'; readonly probe: LldpProbe }
  | { readonly kind: 'foreign'; readonly chassisId: string; readonly portId: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function buildLldpProbe(opts: BuildLldpOptions): Buffer {
  if (!/^[0-9a-f]{16}$/.test(opts.datapathId)) throw new RangeError(`datapath id ${opts.datapathId} is not 16 hex digits`);
  if (!/^[0-9a-f]{16}$/.test(opts.instance)) throw new RangeError(`instance ${opts.instance} is not 16 hex digits`);
  const tlvs = [
    tlv(
      LldpTlvType.CHASSIS_ID,
      Buffer.concat([Buffer.of(CHASSIS_SUBTYPE_LOCAL), Buffer.from(CHASSIS_PREFIX + opts.datapathId, 'ascii')]),
    ),
    tlv(LldpTlvType.PORT_ID, Buffer.concat([Buffer.of(PORT_SUBTYPE_LOCAL), Buffer.from(String(opts.port >>> 0), 'ascii')])),
    tlv(LldpTlvType.TTL, u16(opts.ttlS ?? 120)),
    orgTlv(SdncLldpSubtype.INSTANCE, Buffer.from(opts.instance, 'hex')),
    orgTlv(SdncLldpSubtype.SEND_TIME_NS, u64(opts.sendTimeNs)),
    tlv(LldpTlvType.END, Buffer.alloc(0)),
  ];
  const header = Buffer.alloc(ETH_HEADER_BYTES);
  writeMac(header, 0, LLDP_MULTICAST_MAC);
  if (!writeMac(header, 6, opts.srcMac)) throw new RangeError(`${opts.srcMac} is not a MAC address`);
  header.writeUInt16BE(ETH_TYPE_LLDP, 12);
  const frame = Buffer.concat([header, ...tlvs]);
  return frame.length >= MIN_FRAME_BYTES ? frame : Buffer.concat([frame, Buffer.alloc(MIN_FRAME_BYTES - frame.length)]);
}

/** True when the frame's EtherType is LLDP (untagged). Cheap pre-check before parsing. */
export function isLldpFrame(frame: Buffer): boolean {
  return frame.length >= ETH_HEADER_BYTES && frame.readUInt16BE(12) === ETH_TYPE_LLDP;
}

export function parseLldp(frame: Buffer): LldpParseResult {
  if (!isLldpFrame(frame)) return { kind: 'invalid', reason: 'not an LLDP frame' };
  let off = ETH_HEADER_BYTES;
  let chassis: Buffer | undefined;
  let portId: Buffer | undefined;
  let instance: string | undefined;
  let sendTimeNs: bigint | undefined;
  let index = 0;
  for (;;) {
    if (off + 2 > frame.length) return { kind: 'invalid', reason: `TLV header at byte ${off} runs past the frame` };
    const head = frame.readUInt16BE(off);
    const type = head >>> 9;
    const len = head & 0x1ff;
    const value = frame.subarray(off + 2, off + 2 + len);
    if (value.length !== len)
      return { kind: 'invalid', reason: `TLV type ${type} at byte ${off} claims ${len} bytes, ${value.length} left` };
    // Section 8.2: Chassis ID, Port ID and TTL are the first three TLVs, in that order.
    const expected = [LldpTlvType.CHASSIS_ID, LldpTlvType.PORT_ID, LldpTlvType.TTL][index];
    if (expected !== undefined && type !== expected)
      return { kind: 'invalid', reason: `TLV ${index} has type ${type}, expected ${expected}` };
    if (type === LldpTlvType.END) break;
    if (type === LldpTlvType.CHASSIS_ID || type === LldpTlvType.PORT_ID) {
      if (len < 2) return { kind: 'invalid', reason: `TLV type ${type} is shorter than 2 bytes` };
      if (type === LldpTlvType.CHASSIS_ID) chassis = value;
      else portId = value;
    } else if (type === LldpTlvType.TTL) {
      if (len < 2) return { kind: 'invalid', reason: 'TTL TLV is shorter than 2 bytes' };
    } else if (type === LldpTlvType.ORGANIZATIONALLY_SPECIFIC && len >= 4 && value.readUIntBE(0, 3) === SDNC_LLDP_OUI) {
      const info = value.subarray(4);
      if (value[3] === SdncLldpSubtype.INSTANCE && info.length === 8) instance = info.toString('hex');
      if (value[3] === SdncLldpSubtype.SEND_TIME_NS && info.length === 8) sendTimeNs = info.readBigUInt64BE(0);
    }
    off += 2 + len;
    index++;
  }
  if (!chassis || !portId) return { kind: 'invalid', reason: 'missing chassis or port id TLV' };
  const chassisText = describeId(chassis);
  const portText = describeId(portId);
  const dpid =
    chassis[0] === CHASSIS_SUBTYPE_LOCAL && chassisText.startsWith(CHASSIS_PREFIX)
      ? chassisText.slice(CHASSIS_PREFIX.length)
      : undefined;
  const port = portId[0] === PORT_SUBTYPE_LOCAL && /^\d{1,10}$/.test(portText) ? Number(portText) : undefined;
  if (
    dpid === undefined ||
    !/^[0-9a-f]{16}$/.test(dpid) ||
    port === undefined ||
    port > 0xffffffff ||
    instance === undefined ||
    sendTimeNs === undefined
  ) {
    return { kind: 'foreign', chassisId: chassisText, portId: portText };
  }
  return { kind: 'probe', probe: { datapathId: dpid, port, instance, sendTimeNs } };
}

/** Text form of an id TLV value: ASCII for locally assigned / name subtypes, MAC or hex otherwise. */
function describeId(value: Buffer): string {
  const body = value.subarray(1);
  if (value[0] === 4 && body.length === 6) return readMac(body, 0);
  return /^[\x20-\x7e]*$/.test(body.toString('latin1')) ? body.toString('latin1') : body.toString('hex');
}

function tlv(type: number, value: Buffer): Buffer {
  if (value.length > 0x1ff) throw new RangeError(`LLDP TLV value of ${value.length} bytes exceeds 511`);
  const head = Buffer.alloc(2);
  head.writeUInt16BE((type << 9) | value.length, 0);
  return Buffer.concat([head, value]);
}

function orgTlv(subtype: number, info: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntBE(SDNC_LLDP_OUI, 0, 3);
  head[3] = subtype;
  return tlv(LldpTlvType.ORGANIZATIONALLY_SPECIFIC, Buffer.concat([head, info]));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff, 0);
  return b;
}

function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, n), 0);
  return b;
}
