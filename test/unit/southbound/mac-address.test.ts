import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexDigit, readMac, writeMac } from '../../../src/southbound/mac-address.js';

describe('MAC address text', () => {
  it('reads any 6 bytes as lower-case colon text and writes that text back to the same bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.nat({ max: 4 }), (bytes, off) => {
        const buf = Buffer.alloc(off + 6);
        buf.set(bytes, off);
        const text = readMac(buf, off);
        expect(text).toBe(
          Buffer.from(bytes)
            .toString('hex')
            .replace(/(..)(?!$)/g, '$1:'),
        );
        const back = Buffer.alloc(off + 6, 0xee);
        expect(writeMac(back, off, text)).toBe(true);
        expect(back.subarray(off).equals(Buffer.from(bytes))).toBe(true);
        expect(back.subarray(0, off).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts upper case and "-" separators', () => {
    const b = Buffer.alloc(6);
    expect(writeMac(b, 0, '0A:1B:2C:3D:4E:5F')).toBe(true);
    expect(b.toString('hex')).toBe('0a1b2c3d4e5f');
    expect(writeMac(b, 0, 'ff-ee-dd-cc-bb-aa')).toBe(true);
    expect(readMac(b, 0)).toBe('ff:ee:dd:cc:bb:aa');
  });

  it.each([
    '',
    'zz',
    'aa:bb:cc:dd:ee',
    'aa:bb:cc:dd:ee:f',
    'aa:bb:cc:dd:ee:gg',
    'aa:bb:cc:dd:ee:ff ',
    'aa.bb.cc.dd.ee.ff',
    'aabb:ccdd:eeff:00',
  ])('refuses %j', (text) => {
    expect(writeMac(Buffer.alloc(6), 0, text)).toBe(false);
  });

  it('gives each hex digit its value and -1 for anything else', () => {
    const digits = '0123456789abcdefABCDEF';
    for (const c of digits) expect(hexDigit(c.charCodeAt(0))).toBe(Number.parseInt(c, 16));
    for (const c of ['g', 'G', '/', ':', '@', '`', ' ']) expect(hexDigit(c.charCodeAt(0))).toBe(-1);
  });
});
