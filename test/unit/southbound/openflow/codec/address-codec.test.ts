import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readIpv4,
  readIpv6,
  readMac,
  writeIpv4,
  writeIpv6,
  writeMac,
} from '../../../../../src/southbound/openflow/codec/address-codec.js';

/** The WHATWG URL parser serializes IPv6 hosts with RFC 5952 compression: an independent oracle. */
function whatwgIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

describe('IPv6 text', () => {
  it('formats like the WHATWG URL serializer and parses back (property)', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const bytes = Buffer.alloc(16);
        for (let i = 0; i < 8; i++) bytes.writeUInt16BE(groups[i], i * 2);
        const text = readIpv6(bytes, 0);
        expect(text).toBe(whatwgIpv6(bytes));
        const back = Buffer.alloc(16);
        expect(writeIpv6(back, 0, text)).toBe(true);
        expect(back.equals(bytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts the other textual forms of RFC 4291 section 2.2', () => {
    const b = Buffer.alloc(16);
    expect(writeIpv6(b, 0, '2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(readIpv6(b, 0)).toBe('2001:db8::1');
    expect(writeIpv6(b, 0, '::ffff:192.0.2.1')).toBe(true);
    expect(readIpv6(b, 0)).toBe('::ffff:c000:201');
    expect(writeIpv6(b, 0, '::')).toBe(true);
    expect(readIpv6(b, 0)).toBe('::');
  });

  it.each(['1::2::3', ':::', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '::1.2.3', ''])('rejects %s', (text) => {
    expect(writeIpv6(Buffer.alloc(16), 0, text)).toBe(false);
  });
});

describe('IPv4 and MAC text', () => {
  it('round-trips every IPv4 address shape (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const b = Buffer.alloc(4);
        expect(writeIpv4(b, 0, text)).toBe(true);
        expect(readIpv4(b, 0)).toBe(text);
      }),
    );
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.4 ', 'a.b.c.d'])('rejects IPv4 %s', (text) => {
    expect(writeIpv4(Buffer.alloc(4), 0, text)).toBe(false);
  });

  it('reads lower case and accepts either separator and case', () => {
    const b = Buffer.alloc(6);
    expect(writeMac(b, 0, 'AA-bb-CC-dd-EE-0f')).toBe(true);
    expect(readMac(b, 0)).toBe('aa:bb:cc:dd:ee:0f');
    expect(writeMac(b, 0, 'aa:bb:cc:dd:ee')).toBe(false);
    expect(writeMac(b, 0, 'aa:bb:cc:dd:ee:gg')).toBe(false);
    expect(writeMac(b, 0, 'aa:bb:cc:dd:ee:f0 ')).toBe(false);
  });
});
