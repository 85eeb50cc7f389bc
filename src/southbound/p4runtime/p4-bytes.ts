/**
 * P4Runtime bytestrings (P4Runtime spec section 8.4 "Bytestrings"): unsigned big-endian integers of a
 * P4Info bitwidth. The canonical form is the shortest one: no leading zero bytes, the value 0 is a
 * single "\x00" and the empty string is invalid. Old PI builds want (and send) the full width
 * (ceil(bitwidth / 8) bytes); both are produced on request and both are accepted on receive, where
 * leading zeros are stripped before the value is range-checked against the bitwidth.
 */

import { readMac, writeMac } from '../mac-address.js';

export type BytesForm = 'canonical' | 'full-width';

export class P4BytesError extends Error {}

function widthBytes(bitwidth: number): number {
  return Math.ceil(bitwidth / 8);
}

/** Encodes `value` (0 <= value < 2^bitwidth) as a bytestring. */
export function encodeUint(value: bigint | number, bitwidth: number, form: BytesForm = 'canonical'): Buffer {
  const v = BigInt(value);
  if (v < 0n) throw new P4BytesError(`value ${v} is negative`);
  if (bitwidth <= 0) throw new P4BytesError(`bitwidth ${bitwidth} is not positive`);
  if (v >> BigInt(bitwidth) !== 0n) throw new P4BytesError(`value ${v} does not fit in ${bitwidth} bits`);
  const full = widthBytes(bitwidth);
  const out = Buffer.alloc(full);
  let rest = v;
  for (let i = full - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return form === 'full-width' ? out : canonical(out);
}

/** The canonical form of any bytestring: leading zero bytes removed, at least one byte kept. */
export function canonical(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i));
}

export function isCanonical(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes.length === 1 || bytes[0] !== 0);
}

/** Decodes a received bytestring of a field of `bitwidth` bits, accepting full-width padding. */
export function decodeUint(bytes: Uint8Array, bitwidth: number): bigint {
  if (bytes.length === 0) throw new P4BytesError('empty bytestring');
  const c = canonical(bytes);
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (v >> BigInt(bitwidth) !== 0n) throw new P4BytesError(`value 0x${c.toString('hex')} does not fit in ${bitwidth} bits`);
  return v;
}

/** decodeUint for fields narrow enough to be a JavaScript number (ports, labels, ids: up to 48 bits). */
export function decodeNumber(bytes: Uint8Array, bitwidth: number): number {
  if (bitwidth > 53) throw new P4BytesError(`a ${bitwidth}-bit field does not fit a number`);
  return Number(decodeUint(bytes, bitwidth));
}

/** "aa:bb:cc:dd:ee:ff" <-> 48-bit value (the text as the OpenFlow codec and discovery read and write it). */
export function macToBigint(mac: string): bigint {
  const b = new Uint8Array(6);
  if (!writeMac(b, 0, mac)) throw new P4BytesError(`${mac} is not a MAC address`);
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigintToMac(v: bigint): string {
  if (v < 0n || v >> 48n !== 0n) throw new P4BytesError(`0x${v.toString(16)} is not a 48-bit MAC address`);
  const b = new Uint8Array(6);
  for (let i = 5, x = v; i >= 0; i--, x >>= 8n) b[i] = Number(x & 0xffn);
  return readMac(b, 0);
}

/** A value with its `len` high bits set out of `bitwidth` (prefix masks). */
export function prefixMask(len: number, bitwidth: number): bigint {
  if (len < 0 || len > bitwidth) throw new P4BytesError(`prefix length ${len} is outside 0-${bitwidth}`);
  return ((1n << BigInt(len)) - 1n) << BigInt(bitwidth - len);
}

/** The prefix length of a contiguous mask, or undefined when the mask has holes. */
export function maskPrefixLength(mask: bigint, bitwidth: number): number | undefined {
  for (let len = 0; len <= bitwidth; len++) if (prefixMask(len, bitwidth) === mask) return len;
  return undefined;
}
