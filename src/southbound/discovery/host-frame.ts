/**
 * Who sent a frame: the source MAC and, for ARP (RFC 826) and IPv4 (RFC 791), the sender's address.
 * Pure parsing for host discovery; one 802.1Q tag is skipped (IEEE 802.1Q section 9.3).
 */
import { readMac } from '../mac-address.js';

export interface FrameSender {
  readonly mac: string;
  readonly ip?: string;
}

const ETH_TYPE_VLAN = 0x8100;
const ETH_TYPE_ARP = 0x0806;
const ETH_TYPE_IPV4 = 0x0800;

export function frameSender(frame: Buffer): FrameSender | undefined {
  if (frame.length < 14) return undefined;
  const mac = readMac(frame, 6);
  // Multicast/broadcast source addresses are not hosts (IEEE 802 group bit).
  if ((frame[6] & 0x01) !== 0 || mac === '00:00:00:00:00:00') return undefined;
  let off = 12;
  let ethType = frame.readUInt16BE(off);
  if (ethType === ETH_TYPE_VLAN && frame.length >= 18) {
    off += 4;
    ethType = frame.readUInt16BE(off);
  }
  const l3 = off + 2;
  if (ethType === ETH_TYPE_ARP && frame.length >= l3 + 28) {
    // Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4; sender protocol address at 14.
    if (
      frame.readUInt16BE(l3) === 1 &&
      frame.readUInt16BE(l3 + 2) === ETH_TYPE_IPV4 &&
      frame[l3 + 4] === 6 &&
      frame[l3 + 5] === 4
    ) {
      return withIp(mac, frame.subarray(l3 + 14, l3 + 18));
    }
    return { mac };
  }
  if (ethType === ETH_TYPE_IPV4 && frame.length >= l3 + 20 && frame[l3] >> 4 === 4) {
    return withIp(mac, frame.subarray(l3 + 12, l3 + 16));
  }
  return { mac };
}

function withIp(mac: string, b: Buffer): FrameSender {
  const ip = [...b].join('.');
  // 0.0.0.0 is an ARP probe (RFC 5227) or a DHCP client without an address yet.
  return ip === '0.0.0.0' ? { mac } : { mac, ip };
}
