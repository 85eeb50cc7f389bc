import { describe, expect, it } from 'vitest';
import { decodeMessage, OfpCodecError, OfpFramer } from '../../../../../src/southbound/openflow/codec/index.js';
import { loadGoldenMessages } from './golden-fixtures.js';

const golden = loadGoldenMessages();
const pick = (name: string): Buffer => {
  const f = golden.find((g) => g.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f.bytes;
};

describe('OfpFramer', () => {
  const stream = Buffer.concat([pick('hello-plain'), pick('flow-mod-ipv4-tcp'), pick('packet-in'), pick('barrier-reply')]);
  const lengths = [8, pick('flow-mod-ipv4-tcp').length, pick('packet-in').length, 8];

  it('delivers the same messages for every split point of a stream of four', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new OfpFramer();
      const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(
        out.map((b) => b.length),
        `cut at ${cut}`,
      ).toEqual(lengths);
      expect(Buffer.concat(out).equals(stream)).toBe(true);
      expect(framer.bufferedBytes).toBe(0);
    }
  });

  it('delivers a message split at every pair of points (three chunks)', () => {
    const msg = pick('mp-flow-stats-reply');
    for (let a = 0; a <= msg.length; a += 7) {
      for (let b = a; b <= msg.length; b += 5) {
        const framer = new OfpFramer();
        const out = [...framer.push(msg.subarray(0, a)), ...framer.push(msg.subarray(a, b)), ...framer.push(msg.subarray(b))];
        expect(out.length).toBe(1);
        expect(decodeMessage(out[0])).toStrictEqual(decodeMessage(msg));
      }
    }
  });

  it('handles one byte at a time', () => {
    const framer = new OfpFramer();
    const out: Buffer[] = [];
    for (const byte of stream) out.push(...framer.push(Buffer.from([byte])));
    expect(out.map((b) => b.length)).toEqual(lengths);
  });

  it('rejects a length below the header with the stream offset, and stays failed', () => {
    const framer = new OfpFramer();
    expect(framer.push(pick('hello-plain'))).toHaveLength(1);
    const bad = Buffer.from('0400000400000001', 'hex');
    let err: unknown;
    try {
      framer.push(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OfpCodecError);
    expect((err as OfpCodecError).offset).toBe(8 + 2);
    expect((err as OfpCodecError).msgType).toBe(0);
    expect(() => framer.push(pick('hello-plain'))).toThrow(OfpCodecError);
    framer.reset();
    expect(framer.push(pick('hello-plain'))).toHaveLength(1);
  });

  it('rejects a length above a configured maximum', () => {
    const framer = new OfpFramer(64);
    expect(() => framer.push(pick('flow-mod-ipv4-tcp'))).toThrow(/outside 8\.\.64/);
  });

  it('accepts the largest legal message (65535 bytes)', () => {
    const big = Buffer.alloc(0xffff);
    big.writeUInt8(4, 0);
    big.writeUInt8(2, 1);
    big.writeUInt16BE(0xffff, 2);
    const framer = new OfpFramer();
    expect(framer.push(big.subarray(0, 30000))).toHaveLength(0);
    const out = framer.push(big.subarray(30000));
    expect(out).toHaveLength(1);
    expect(out[0].length).toBe(0xffff);
  });
});
