import { readIpv4, readIpv6, readMac, writeIpv4, writeIpv6, writeMac } from './address-codec.js';
import { OfpMatchType, OxmClass } from './constants.js';
import type { OfpMatch, OxmTlv } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** How an OpenFlow-basic field's value is written, and its width in bytes (A.2.3.7, table 12). */
const Kind = { Num: 0, Mac: 1, Ipv4: 2, Ipv6: 3, Big: 4 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

// Indexed by oxm_ofb_match_fields number.
// biome-ignore format: a table, ten fields per row
const FIELD_KIND: readonly Kind[] = [
  Kind.Num, Kind.Num, Kind.Big, Kind.Mac, Kind.Mac, Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Num, // 0-9
  Kind.Num, Kind.Ipv4, Kind.Ipv4, Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Num, // 10-19
  Kind.Num, Kind.Num, Kind.Ipv4, Kind.Ipv4, Kind.Mac, Kind.Mac, Kind.Ipv6, Kind.Ipv6, Kind.Num, Kind.Num, // 20-29
  Kind.Num, Kind.Ipv6, Kind.Mac, Kind.Mac, Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Big, Kind.Num, // 30-39
];
// biome-ignore format: a table, ten fields per row
const FIELD_WIDTH: readonly number[] = [
  4, 4, 8, 6, 6, 2, 2, 1, 1, 1, // 0-9: in_port .. ip_ecn
  1, 4, 4, 2, 2, 2, 2, 2, 2, 1, // 10-19: ip_proto .. icmpv4_type
  1, 2, 4, 4, 6, 6, 16, 16, 4, 1, // 20-29: icmpv4_code .. icmpv6_type
  1, 16, 6, 6, 4, 1, 1, 3, 8, 2, // 30-39: icmpv6_code .. ipv6_exthdr
];

const OFB_HEADER = OxmClass.OFPXMC_OPENFLOW_BASIC * 0x10000;

function writeValue(w: WireWriter, kind: Kind, width: number, field: number, value: unknown): void {
  switch (kind) {
    case Kind.Num: {
      const v = value as number;
      if (width === 1) w.u8(v);
      else if (width === 2) w.u16(v);
      else if (width === 3) w.u24(v);
      else w.u32(v);
      return;
    }
    case Kind.Big:
      w.u64(value as bigint);
      return;
    case Kind.Mac:
      if (!writeMac(w.buf, w.take(6), value as string)) w.fail(`OXM field ${field}: "${value}" is not a MAC address`);
      return;
    case Kind.Ipv4:
      if (!writeIpv4(w.buf, w.take(4), value as string)) w.fail(`OXM field ${field}: "${value}" is not an IPv4 address`);
      return;
    case Kind.Ipv6:
      if (!writeIpv6(w.buf, w.take(16), value as string)) w.fail(`OXM field ${field}: "${value}" is not an IPv6 address`);
      return;
  }
}

/** One OXM TLV (7.2.3.2): 32-bit header (class, field, hasmask, length), value, optional mask. */
export function encodeOxm(w: WireWriter, tlv: OxmTlv): void {
  if (tlv.field === 'raw') {
    w.bytes(tlv.bytes);
    return;
  }
  const field = tlv.field;
  const kind = FIELD_KIND[field];
  if (kind === undefined) w.fail(`unknown OXM field ${field}`);
  const width = FIELD_WIDTH[field];
  const hasMask = tlv.mask !== undefined;
  w.u32(OFB_HEADER + field * 0x200 + (hasMask ? 0x100 + 2 * width : width));
  writeValue(w, kind, width, field, tlv.value);
  if (hasMask) writeValue(w, kind, width, field, tlv.mask);
}

function readValue(r: WireReader, kind: Kind, width: number): number | bigint | string {
  const at = r.pos;
  switch (kind) {
    case Kind.Num:
      return width === 1 ? r.u8() : width === 2 ? r.u16() : width === 3 ? r.u24() : r.u32();
    case Kind.Big:
      return r.u64();
    case Kind.Mac:
      r.skip(6);
      return readMac(r.buf, at);
    case Kind.Ipv4:
      r.skip(4);
      return readIpv4(r.buf, at);
    case Kind.Ipv6:
      r.skip(16);
      return readIpv6(r.buf, at);
  }
}

export function decodeOxm(r: WireReader): OxmTlv {
  const at = r.pos;
  const header = r.u32();
  const oxmClass = header >>> 16;
  const field = (header >>> 9) & 0x7f;
  const hasMask = (header & 0x100) !== 0;
  const len = header & 0xff;
  r.need(len, 'OXM value');
  if (oxmClass !== OxmClass.OFPXMC_OPENFLOW_BASIC || field >= FIELD_KIND.length) {
    r.skip(len);
    return { field: 'raw', oxmClass, oxmField: field, hasMask, bytes: Buffer.from(r.buf.subarray(at, r.pos)) };
  }
  const kind = FIELD_KIND[field];
  const width = FIELD_WIDTH[field];
  if (len !== (hasMask ? 2 * width : width)) {
    r.fail(`OXM field ${field} has length ${len}, expected ${hasMask ? 2 * width : width}`, at);
  }
  const value = readValue(r, kind, width);
  if (!hasMask) return { field, value } as OxmTlv;
  return { field, value, mask: readValue(r, kind, width) } as OxmTlv;
}

/** ofp_match (A.2.3.1): type OFPMT_OXM, length without the trailing pad, TLVs, pad to 8 bytes. */
export function encodeMatch(w: WireWriter, match: OfpMatch): void {
  const start = w.pos;
  w.u16(OfpMatchType.OFPMT_OXM);
  w.u16(0);
  for (let i = 0; i < match.length; i++) encodeOxm(w, match[i]);
  w.patchU16(start + 2, w.pos - start);
  w.pad8(start);
}

export function decodeMatch(r: WireReader): OfpMatch {
  const at = r.pos;
  const type = r.u16();
  const len = r.u16();
  if (type !== OfpMatchType.OFPMT_OXM) r.fail(`match type ${type} is not OFPMT_OXM`, at);
  if (len < 4) r.fail(`match length ${len} is shorter than its 4-byte header`, at + 2);
  const outer = r.enter(len - 4, 'match');
  const fields: OxmTlv[] = [];
  while (r.pos < r.end) fields.push(decodeOxm(r));
  r.restore(outer, 'match');
  r.skip((8 - (len & 7)) & 7);
  return fields;
}
