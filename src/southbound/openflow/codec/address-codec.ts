/**
 * Address text <-> bytes for OXM values and port hardware addresses. Parsers return undefined on
 * malformed text; callers turn that into an OfpCodecError naming the field.
 */

import { hexDigit } from '../../mac-address.js';

export { readMac, writeMac } from '../../mac-address.js';

/** Dotted-quad IPv4 into 4 bytes at `off`; false when malformed. */
export function writeIpv4(buf: Buffer, off: number, text: string): boolean {
  let octet = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || index > 3) return false;
      buf[off + index++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return false;
    } else {
      return false;
    }
  }
  return index === 4;
}

export function readIpv4(buf: Buffer, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** Parses one side of an IPv6 address ("a:b:c" possibly ending in a dotted quad) into 16-bit groups. */
function ipv6Groups(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = Buffer.alloc(4);
      if (!writeIpv4(v4, 0, part)) return undefined;
      groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      continue;
    }
    if (part.length === 0 || part.length > 4) return undefined;
    let v = 0;
    for (let j = 0; j < part.length; j++) {
      const d = hexDigit(part.charCodeAt(j));
      if (d < 0) return undefined;
      v = (v << 4) | d;
    }
    groups.push(v);
  }
  return groups;
}

/** Any valid IPv6 text (RFC 4291 section 2.2, with "::" and a dotted-quad tail) into 16 bytes. */
export function writeIpv6(buf: Buffer, off: number, text: string): boolean {
  const gap = text.indexOf('::');
  let groups: number[] | undefined;
  if (gap < 0) {
    groups = ipv6Groups(text, true);
    if (groups?.length !== 8) return false;
  } else {
    if (text.indexOf('::', gap + 1) >= 0) return false;
    const head = ipv6Groups(text.slice(0, gap), false);
    const tail = ipv6Groups(text.slice(gap + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return false;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  for (let i = 0; i < 8; i++) buf.writeUInt16BE(groups[i], off + i * 2);
  return true;
}

/** RFC 5952 section 4 text: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
export function readIpv6(buf: Buffer, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(off + i * 2));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
