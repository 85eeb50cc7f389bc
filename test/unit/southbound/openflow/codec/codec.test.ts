import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  helloVersions,
  OfpCodecError,
  type OfpMessage,
  OfpType,
  OxmOfbField,
  versionBitmaps,
} from '../../../../../src/southbound/openflow/codec/index.js';
import { loadGoldenMessages } from './golden-fixtures.js';
import { SAMPLE_MESSAGES } from './sample-messages.js';

function expectCodecError(fn: () => unknown, msgType?: number): OfpCodecError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OfpCodecError);
    const err = e as OfpCodecError;
    expect(Number.isInteger(err.offset)).toBe(true);
    if (msgType !== undefined) expect(err.msgType).toBe(msgType);
    return err;
  }
  throw new Error('expected an OfpCodecError');
}

describe('round trip', () => {
  it.each(SAMPLE_MESSAGES.map((m, i) => [i, m] as const))('sample %i decodes to what was encoded', (_i, msg) => {
    const bytes = encodeMessage(msg);
    expect(bytes.readUInt16BE(2)).toBe(bytes.length);
    expect(decodeMessage(bytes)).toStrictEqual(msg);
  });

  it('re-encodes every golden message byte for byte after decoding', () => {
    for (const f of loadGoldenMessages()) expect(encodeMessage(decodeMessage(f.bytes)).equals(f.bytes), f.name).toBe(true);
  });

  it('decoded messages do not alias the input buffer', () => {
    const bytes = encodeMessage({ type: OfpType.OFPT_ECHO_REQUEST, xid: 1, data: Buffer.from('abcd') });
    const msg = decodeMessage(bytes);
    bytes.fill(0);
    expect(msg.type === OfpType.OFPT_ECHO_REQUEST && msg.data.toString()).toBe('abcd');
  });
});

describe('hello version bitmap', () => {
  it('converts version lists to bitmap words and back', () => {
    expect(versionBitmaps([1, 4])).toEqual([0x12]);
    expect(versionBitmaps([4, 33])).toEqual([0x10, 0x2]);
    expect(helloVersions({ type: OfpType.OFPT_HELLO, xid: 0, elements: [{ type: 1, bitmaps: [0x12, 0x80000000] }] })).toEqual([
      1, 4, 63,
    ]);
  });

  it('falls back to the header version without a bitmap (6.3.1)', () => {
    expect(helloVersions({ type: OfpType.OFPT_HELLO, xid: 0, version: 5, elements: [] })).toEqual([5]);
  });
});

describe('encoding errors are typed', () => {
  const base = SAMPLE_MESSAGES[0] as Extract<OfpMessage, { type: OfpType.OFPT_FLOW_MOD }>;

  it('rejects a value that does not fit its field', () => {
    const err = expectCodecError(() => encodeMessage({ ...base, priority: 70000 }), OfpType.OFPT_FLOW_MOD);
    expect(err.message).toMatch(/70000/);
  });

  it('rejects a malformed address', () => {
    const match = [{ field: OxmOfbField.OFPXMT_OFB_IPV4_DST, value: '10.0.0.256' }] as const;
    const err = expectCodecError(() => encodeMessage({ ...base, match }), OfpType.OFPT_FLOW_MOD);
    expect(err.message).toMatch(/10\.0\.0\.256/);
    const mac = [{ field: OxmOfbField.OFPXMT_OFB_ETH_DST, value: '00:11:22:33:44' }] as const;
    expectCodecError(() => encodeMessage({ ...base, match: mac }), OfpType.OFPT_FLOW_MOD);
  });

  it('rejects a message longer than 65535 bytes', () => {
    const err = expectCodecError(
      () => encodeMessage({ type: OfpType.OFPT_ECHO_REQUEST, xid: 1, data: Buffer.alloc(70000) }),
      OfpType.OFPT_ECHO_REQUEST,
    );
    expect(err.message).toMatch(/longer than 65535/);
  });

  it('rejects a missing field instead of writing garbage', () => {
    expectCodecError(() => encodeMessage({ ...base, cookie: undefined } as unknown as OfpMessage), OfpType.OFPT_FLOW_MOD);
  });
});
