import { describe, expect, it } from 'vitest';
import {
  bigintToMac,
  canonical,
  decodeUint,
  encodeUint,
  isCanonical,
  macToBigint,
  maskPrefixLength,
  P4BytesError,
  prefixMask,
} from '../../../../src/southbound/p4runtime/p4-bytes.js';

describe('P4Runtime bytestrings (spec 8.4)', () => {
  it('encodes the shortest big-endian form; 0 is a single zero byte', () => {
    expect(encodeUint(0, 9)).toEqual(Buffer.from([0]));
    expect(encodeUint(255, 9)).toEqual(Buffer.from([0xff]));
    expect(encodeUint(256, 9)).toEqual(Buffer.from([0x01, 0x00]));
    expect(encodeUint(macToBigint('00:00:11:00:22:33'), 48)).toEqual(Buffer.from([0x11, 0x00, 0x22, 0x33]));
  });

  it('pads to the full width on request (old PI builds)', () => {
    expect(encodeUint(macToBigint('00:00:11:00:22:33'), 48, 'full-width')).toEqual(Buffer.from([0, 0, 0x11, 0x00, 0x22, 0x33]));
    expect(encodeUint(5, 9, 'full-width')).toEqual(Buffer.from([0, 5]));
  });

  it('refuses values wider than the bitwidth and negative values', () => {
    expect(() => encodeUint(512, 9)).toThrow(P4BytesError);
    expect(() => encodeUint(-1, 9)).toThrow(P4BytesError);
    expect(() => encodeUint(1n << 128n, 128)).toThrow(/does not fit/);
  });

  it('decodes canonical and padded forms alike and range-checks after stripping zeros', () => {
    expect(decodeUint(Buffer.from([0, 0, 1, 0]), 9)).toBe(256n);
    expect(decodeUint(Buffer.from([0x01, 0x00]), 9)).toBe(256n);
    expect(() => decodeUint(Buffer.from([0x02, 0x00]), 9)).toThrow(/does not fit in 9 bits/);
    expect(() => decodeUint(Buffer.alloc(0), 9)).toThrow(/empty/);
  });

  it('knows canonical forms', () => {
    expect(isCanonical(Buffer.from([0]))).toBe(true);
    expect(isCanonical(Buffer.from([0, 1]))).toBe(false);
    expect(isCanonical(Buffer.alloc(0))).toBe(false);
    expect(canonical(Buffer.from([0, 0, 0]))).toEqual(Buffer.from([0]));
  });

  it('turns MAC addresses into 48-bit values and back, refusing what is not one', () => {
    expect(macToBigint('02:00:0A:ff:00:01')).toBe(0x02000aff0001n);
    expect(bigintToMac(0x02000aff0001n)).toBe('02:00:0a:ff:00:01');
    expect(bigintToMac(0n)).toBe('00:00:00:00:00:00');
    expect(() => macToBigint('02:00:0a:ff:00')).toThrow(P4BytesError);
    expect(() => macToBigint('02:00:0a:ff:00:0g')).toThrow(P4BytesError);
    expect(() => bigintToMac(1n << 48n)).toThrow(P4BytesError);
  });

  it('builds and recognises prefix masks', () => {
    expect(prefixMask(24, 32)).toBe(0xffffff00n);
    expect(maskPrefixLength(0xffffff00n, 32)).toBe(24);
    expect(maskPrefixLength(0xff00ff00n, 32)).toBeUndefined();
  });
});
