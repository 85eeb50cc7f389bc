import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, OfpCodecError } from '../../../../../src/southbound/openflow/codec/index.js';
import { loadGoldenMessages } from './golden-fixtures.js';
import { SAMPLE_MESSAGES } from './sample-messages.js';

const golden = loadGoldenMessages();
const bytesOf = (name: string): Buffer => Buffer.from(golden.find((g) => g.name === name)?.bytes ?? Buffer.alloc(0));

/** Decodes and insists on the contract: a message or an OfpCodecError with a sane offset, nothing else. */
function decodeOrCodecError(buf: Buffer): OfpCodecError | undefined {
  try {
    decodeMessage(buf);
    return undefined;
  } catch (e) {
    if (!(e instanceof OfpCodecError)) throw new Error(`non-codec exception for ${buf.toString('hex')}: ${String(e)}`);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(buf.length);
    return e;
  }
}

function expectError(buf: Buffer, pattern: RegExp, offset?: number): OfpCodecError {
  const err = decodeOrCodecError(buf);
  expect(err, buf.toString('hex')).toBeInstanceOf(OfpCodecError);
  expect(err?.message).toMatch(pattern);
  if (offset !== undefined) expect(err?.offset).toBe(offset);
  expect(err?.msgType).toBe(buf.length > 1 ? buf[1] : undefined);
  return err as OfpCodecError;
}

/** Sets the header length to the buffer's length after an edit. */
function fixLength(buf: Buffer): Buffer {
  buf.writeUInt16BE(buf.length, 2);
  return buf;
}

describe('malformed input', () => {
  it('rejects a buffer shorter than the header', () => {
    expectError(Buffer.from('0400', 'hex'), /shorter than the 8-byte header/, 0);
  });

  it('rejects a header length that disagrees with the buffer', () => {
    const buf = bytesOf('flow-mod-ipv4-tcp');
    expectError(buf.subarray(0, buf.length - 8), /header length \d+ differs/, 2);
  });

  it('rejects every truncation of every golden message (length patched)', () => {
    for (const f of golden) {
      for (let len = 8; len < f.bytes.length; len++) {
        const cut = fixLength(Buffer.from(f.bytes.subarray(0, len)));
        const err = decodeOrCodecError(cut);
        // A shorter variable-length tail (data, raw body) is still a valid message; fixed parts are not.
        if (err) expect(err.msgType).toBe(f.bytes[1]);
      }
    }
  });

  it('rejects a wrong version, except for HELLO and ERROR', () => {
    const fm = bytesOf('flow-mod-ipv4-tcp');
    fm[0] = 0x01;
    const err = expectError(fm, /unsupported version 0x1/, 0);
    expect(err.xid).toBe(10);
    const hello = bytesOf('hello-version-bitmap');
    hello[0] = 0x06;
    expect(decodeMessage(hello)).toMatchObject({ type: 0, version: 6 });
  });

  it('rejects a zero-length action instead of looping', () => {
    // packet-out: actions_len covers one action whose length field is 0.
    const buf = bytesOf('packet-out');
    buf.writeUInt16BE(0, 24 + 2);
    expectError(buf, /action 0 length 0 is below 8/, 26);
  });

  it('rejects a zero-length instruction instead of looping', () => {
    const buf = bytesOf('flow-mod-modify');
    const insAt = 48 + 16; // header + flow_mod fields + 16-byte match (in_port)
    expect(buf.readUInt16BE(insAt)).toBe(4);
    buf.writeUInt16BE(0, insAt + 2);
    expectError(buf, /instruction 4 length 0 is below 8/, insAt + 2);
  });

  it('rejects an OXM whose length runs past its match, and a zero-length OXM of a known field', () => {
    const buf = bytesOf('flow-mod-modify');
    buf[48 + 4 + 3] = 0xff; // in_port TLV claims 255 bytes
    expectError(buf, /truncated OXM value/);
    const zero = bytesOf('flow-mod-modify');
    zero[48 + 4 + 3] = 0; // in_port TLV with no value
    expectError(zero, /OXM field 0 has length 0, expected 4/, 52);
  });

  it('rejects a match that is not OXM, or shorter than its header', () => {
    const std = bytesOf('flow-mod-modify');
    std.writeUInt16BE(0, 48);
    expectError(std, /match type 0 is not OFPMT_OXM/, 48);
    const short = bytesOf('flow-mod-modify');
    short.writeUInt16BE(2, 50);
    expectError(short, /match length 2/, 50);
  });

  it('rejects a bucket, meter band, flow stats entry or hello element with a bad length', () => {
    const group = bytesOf('group-mod-all');
    group.writeUInt16BE(4, 16);
    expectError(group, /bucket length 4 is below 16/, 16);
    const meter = bytesOf('meter-mod-add');
    meter.writeUInt16BE(0, 18);
    expectError(meter, /meter band length 0/, 18);
    const stats = bytesOf('mp-flow-stats-reply');
    stats.writeUInt16BE(0, 16);
    expectError(stats, /flow stats length 0/, 16);
    const hello = bytesOf('hello-version-bitmap');
    hello.writeUInt16BE(2, 10);
    expectError(hello, /hello element length 2/, 10);
  });

  it('rejects trailing bytes after a fixed-size message', () => {
    const buf = fixLength(Buffer.concat([bytesOf('role-request'), Buffer.alloc(8)]));
    expectError(buf, /8 unexpected trailing bytes/, 24);
  });
});

describe('fuzzing the decoder', () => {
  const seeds = [...golden.map((g) => g.bytes), ...SAMPLE_MESSAGES.map((m) => encodeMessage(m))];

  it('random bytes with a plausible header never throw anything but OfpCodecError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x1f }), fc.uint8Array({ minLength: 0, maxLength: 300 }), (type, body) => {
        const buf = Buffer.alloc(8 + body.length);
        buf.writeUInt8(4, 0);
        buf.writeUInt8(type, 1);
        buf.writeUInt16BE(buf.length, 2);
        buf.set(body, 8);
        decodeOrCodecError(buf);
      }),
      { numRuns: 3000 },
    );
  });

  it('fully random buffers never throw anything but OfpCodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), (bytes) => {
        decodeOrCodecError(Buffer.from(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid messages decode, or fail with OfpCodecError; what decodes re-encodes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (seedIndex, edits, keepLength) => {
          const buf = Buffer.from(seeds[seedIndex]);
          for (const [pos, value] of edits) buf[pos % buf.length] = value;
          if (keepLength) buf.writeUInt16BE(buf.length, 2);
          try {
            const msg = decodeMessage(buf);
            // Whatever decodes must be encodable again without a non-codec exception.
            encodeMessage(msg);
          } catch (e) {
            if (!(e instanceof OfpCodecError)) throw e;
          }
        },
      ),
      { numRuns: 4000 },
    );
  });
});
