import type { FlowMatch } from '../../model/flow.js';
import { readIpv4, readIpv6, writeIpv4, writeIpv6 } from './codec/address-codec.js';
import { type OfpMatch, OfpVlanId, type OxmIpv4, type OxmIpv6, OxmOfbField, type OxmTlv } from './codec/index.js';

/**
 * FlowMatch <-> OXM match (OpenFlow 1.3.5 section 7.2.3). Encoding checks the prerequisites of
 * section 7.2.3.6 (an IPv4 field needs eth_type 0x0800 and so on) instead of adding them silently,
 * so what is installed is exactly what was asked and reads back equal. Prefixes are written with
 * their host bits cleared and /32 (/128) without a mask, which is how switches store and report them.
 */

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_ARP = 0x0806;
const ETH_MPLS = [0x8847, 0x8848];
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** Throws a plain Error with the reason; the caller wraps it into the catalogue error. */
export function toOfpMatch(m: FlowMatch): OfpMatch {
  const out: OxmTlv[] = [];
  const need = (ok: boolean, reason: string) => {
    if (!ok) throw new Error(reason);
  };
  if (m.inPort !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: u32(m.inPort, 'inPort') });
  if (m.ethDst !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ETH_DST, value: mac(m.ethDst, 'ethDst') });
  if (m.ethSrc !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ETH_SRC, value: mac(m.ethSrc, 'ethSrc') });
  if (m.ethType !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: uint(m.ethType, 0xffff, 'ethType') });
  if (m.vlanVid !== undefined)
    out.push({ field: OxmOfbField.OFPXMT_OFB_VLAN_VID, value: uint(m.vlanVid, 0xfff, 'vlanVid') | OfpVlanId.OFPVID_PRESENT });
  if (m.mplsLabel !== undefined) {
    need(m.ethType !== undefined && ETH_MPLS.includes(m.ethType), 'mplsLabel needs ethType 0x8847 or 0x8848 (section 7.2.3.6)');
    out.push({ field: OxmOfbField.OFPXMT_OFB_MPLS_LABEL, value: uint(m.mplsLabel, 0xfffff, 'mplsLabel') });
  }
  const isIp = m.ethType === ETH_IPV4 || m.ethType === ETH_IPV6;
  if (m.ipProto !== undefined) {
    need(isIp, 'ipProto needs ethType 0x0800 or 0x86dd (section 7.2.3.6)');
    out.push({ field: OxmOfbField.OFPXMT_OFB_IP_PROTO, value: uint(m.ipProto, 0xff, 'ipProto') });
  }
  for (const [key, field] of [
    ['ipv4Src', OxmOfbField.OFPXMT_OFB_IPV4_SRC],
    ['ipv4Dst', OxmOfbField.OFPXMT_OFB_IPV4_DST],
  ] as const) {
    const v = m[key];
    if (v === undefined) continue;
    need(m.ethType === ETH_IPV4, `${key} needs ethType 0x0800 (section 7.2.3.6)`);
    out.push({ field, ...ipv4Prefix(v, key) } as OxmIpv4);
  }
  for (const [key, field] of [
    ['ipv6Src', OxmOfbField.OFPXMT_OFB_IPV6_SRC],
    ['ipv6Dst', OxmOfbField.OFPXMT_OFB_IPV6_DST],
  ] as const) {
    const v = m[key];
    if (v === undefined) continue;
    need(m.ethType === ETH_IPV6, `${key} needs ethType 0x86dd (section 7.2.3.6)`);
    out.push({ field, ...ipv6Prefix(v, key) } as OxmIpv6);
  }
  for (const [key, field, proto] of [
    ['tcpSrc', OxmOfbField.OFPXMT_OFB_TCP_SRC, IPPROTO_TCP],
    ['tcpDst', OxmOfbField.OFPXMT_OFB_TCP_DST, IPPROTO_TCP],
    ['udpSrc', OxmOfbField.OFPXMT_OFB_UDP_SRC, IPPROTO_UDP],
    ['udpDst', OxmOfbField.OFPXMT_OFB_UDP_DST, IPPROTO_UDP],
  ] as const) {
    const v = m[key];
    if (v === undefined) continue;
    need(m.ipProto === proto, `${key} needs ipProto ${proto} (section 7.2.3.6)`);
    out.push({ field, value: uint(v, 0xffff, key) });
  }
  if (m.arpOp !== undefined || m.arpSpa !== undefined || m.arpTpa !== undefined)
    need(m.ethType === ETH_ARP, 'ARP fields need ethType 0x0806 (section 7.2.3.6)');
  if (m.arpOp !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ARP_OP, value: uint(m.arpOp, 0xffff, 'arpOp') });
  if (m.arpSpa !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ARP_SPA, ...ipv4Prefix(m.arpSpa, 'arpSpa') } as OxmIpv4);
  if (m.arpTpa !== undefined) out.push({ field: OxmOfbField.OFPXMT_OFB_ARP_TPA, ...ipv4Prefix(m.arpTpa, 'arpTpa') } as OxmIpv4);
  return out;
}

/** OXM match read from a switch -> FlowMatch; fails for fields the model cannot express. */
export function fromOfpMatch(oxms: OfpMatch): Decoded<FlowMatch> {
  const m: Record<string, number | string> = {};
  for (const o of oxms) {
    if (o.field === 'raw') return { ok: false, reason: `OXM class ${o.oxmClass} field ${o.oxmField} is not modelled` };
    const hasMask = o.mask !== undefined;
    switch (o.field) {
      case OxmOfbField.OFPXMT_OFB_IN_PORT:
      case OxmOfbField.OFPXMT_OFB_ETH_TYPE:
      case OxmOfbField.OFPXMT_OFB_IP_PROTO:
      case OxmOfbField.OFPXMT_OFB_TCP_SRC:
      case OxmOfbField.OFPXMT_OFB_TCP_DST:
      case OxmOfbField.OFPXMT_OFB_UDP_SRC:
      case OxmOfbField.OFPXMT_OFB_UDP_DST:
      case OxmOfbField.OFPXMT_OFB_ARP_OP:
      case OxmOfbField.OFPXMT_OFB_MPLS_LABEL:
        if (hasMask) return { ok: false, reason: `masked field ${o.field} is not modelled` };
        m[NUMERIC_KEYS[o.field]] = o.value as number;
        break;
      case OxmOfbField.OFPXMT_OFB_VLAN_VID:
        // Only "tagged with this VID" is modelled (value with OFPVID_PRESENT, no mask).
        if (hasMask || ((o.value as number) & OfpVlanId.OFPVID_PRESENT) === 0)
          return { ok: false, reason: 'VLAN match other than an exact tagged VID' };
        m.vlanVid = (o.value as number) & 0xfff;
        break;
      case OxmOfbField.OFPXMT_OFB_ETH_SRC:
      case OxmOfbField.OFPXMT_OFB_ETH_DST:
        if (hasMask) return { ok: false, reason: 'masked MAC match is not modelled' };
        m[o.field === OxmOfbField.OFPXMT_OFB_ETH_SRC ? 'ethSrc' : 'ethDst'] = (o.value as string).toLowerCase();
        break;
      case OxmOfbField.OFPXMT_OFB_IPV4_SRC:
      case OxmOfbField.OFPXMT_OFB_IPV4_DST:
      case OxmOfbField.OFPXMT_OFB_ARP_SPA:
      case OxmOfbField.OFPXMT_OFB_ARP_TPA: {
        const len = o.mask === undefined ? 32 : maskLength(ipv4ToBits(o.mask as string), 32);
        if (len === undefined) return { ok: false, reason: `non-contiguous IPv4 mask ${o.mask}` };
        m[IPV4_KEYS[o.field]] = `${o.value}/${len}`;
        break;
      }
      case OxmOfbField.OFPXMT_OFB_IPV6_SRC:
      case OxmOfbField.OFPXMT_OFB_IPV6_DST: {
        const len = o.mask === undefined ? 128 : maskLength(ipv6ToBits(o.mask as string), 128);
        if (len === undefined) return { ok: false, reason: `non-contiguous IPv6 mask ${o.mask}` };
        m[o.field === OxmOfbField.OFPXMT_OFB_IPV6_SRC ? 'ipv6Src' : 'ipv6Dst'] =
          `${bitsToIpv6(ipv6ToBits(o.value as string))}/${len}`;
        break;
      }
      default:
        return { ok: false, reason: `match field ${o.field} is not modelled` };
    }
  }
  return { ok: true, value: m as FlowMatch };
}

const NUMERIC_KEYS: Record<number, keyof FlowMatch> = {
  [OxmOfbField.OFPXMT_OFB_IN_PORT]: 'inPort',
  [OxmOfbField.OFPXMT_OFB_ETH_TYPE]: 'ethType',
  [OxmOfbField.OFPXMT_OFB_IP_PROTO]: 'ipProto',
  [OxmOfbField.OFPXMT_OFB_TCP_SRC]: 'tcpSrc',
  [OxmOfbField.OFPXMT_OFB_TCP_DST]: 'tcpDst',
  [OxmOfbField.OFPXMT_OFB_UDP_SRC]: 'udpSrc',
  [OxmOfbField.OFPXMT_OFB_UDP_DST]: 'udpDst',
  [OxmOfbField.OFPXMT_OFB_ARP_OP]: 'arpOp',
  [OxmOfbField.OFPXMT_OFB_MPLS_LABEL]: 'mplsLabel',
};
const IPV4_KEYS: Record<number, keyof FlowMatch> = {
  [OxmOfbField.OFPXMT_OFB_IPV4_SRC]: 'ipv4Src',
  [OxmOfbField.OFPXMT_OFB_IPV4_DST]: 'ipv4Dst',
  [OxmOfbField.OFPXMT_OFB_ARP_SPA]: 'arpSpa',
  [OxmOfbField.OFPXMT_OFB_ARP_TPA]: 'arpTpa',
};

function uint(v: number, max: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`${name} ${v} is not an integer in 0..${max}`);
  return v;
}

function u32(v: number, name: string): number {
  return uint(v, 0xffffffff, name);
}

export function mac(v: string, name: string): string {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(v)) throw new Error(`${name} ${v} is not a MAC address`);
  return v.toLowerCase();
}

function splitPrefix(v: string, bits: number, name: string): [string, number] {
  const [addr, lenText, extra] = v.split('/');
  const len = lenText === undefined ? bits : Number(lenText);
  if (extra !== undefined || !Number.isInteger(len) || len < 1 || len > bits) {
    throw new Error(`${name} ${v}: prefix length must be 1..${bits} (omit the field to match any address)`);
  }
  return [addr, len];
}

function ipv4Prefix(v: string, name: string): { value: string; mask?: string } {
  const [addr, len] = splitPrefix(v, 32, name);
  const bits = ipv4ToBits(addr, name);
  const mask = len === 32 ? undefined : lengthMask(len, 32);
  return mask === undefined ? { value: bitsToIpv4(bits) } : { value: bitsToIpv4(bits & mask), mask: bitsToIpv4(mask) };
}

function ipv6Prefix(v: string, name: string): { value: string; mask?: string } {
  const [addr, len] = splitPrefix(v, 128, name);
  const bits = ipv6ToBits(addr, name);
  if (len === 128) return { value: bitsToIpv6(bits) };
  const mask = lengthMask(len, 128);
  return { value: bitsToIpv6(bits & mask), mask: bitsToIpv6(mask) };
}

function lengthMask(len: number, width: 32): number;
function lengthMask(len: number, width: 128): bigint;
function lengthMask(len: number, width: number): number | bigint {
  if (width === 32) return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((1n << BigInt(len)) - 1n) << BigInt(128 - len);
}

function maskLength(mask: number | bigint, width: number): number | undefined {
  const big = BigInt(mask);
  for (let len = 0; len <= width; len++) {
    const m = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(width - len);
    if (m === big) return len;
  }
  return undefined;
}

/** Address text <-> bits through the codec's own parsers and RFC 5952 formatter (address-codec.ts). */
function ipv4ToBits(addr: string, name = 'address'): number {
  const b = Buffer.alloc(4);
  if (!writeIpv4(b, 0, addr)) throw new Error(`${name} ${addr} is not an IPv4 address`);
  return b.readUInt32BE(0);
}

function bitsToIpv4(bits: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(bits >>> 0);
  return readIpv4(b, 0);
}

function ipv6ToBits(addr: string, name = 'address'): bigint {
  const b = Buffer.alloc(16);
  if (!writeIpv6(b, 0, addr)) throw new Error(`${name} ${addr} is not an IPv6 address`);
  return (b.readBigUInt64BE(0) << 64n) | b.readBigUInt64BE(8);
}

function bitsToIpv6(bits: bigint): string {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(bits >> 64n, 0);
  b.writeBigUInt64BE(bits & 0xffffffffffffffffn, 8);
  return readIpv6(b, 0);
}
