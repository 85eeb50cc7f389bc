import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  describeError,
  encodeMessage,
  errorCodeName,
  errorTypeName,
  OfpType,
} from '../../../../../src/southbound/openflow/codec/index.js';
import { loadGoldenErrorNames, loadGoldenMessages } from './golden-fixtures.js';

// Bytes and expected values come from os-ken (see scripts/gen-openflow-golden.py).
const fixtures = loadGoldenMessages();

describe('golden messages from os-ken', () => {
  it('covers every message family the controller uses', () => {
    const types = new Set(fixtures.map((f) => f.bytes[1]));
    for (const t of [
      OfpType.OFPT_HELLO,
      OfpType.OFPT_ERROR,
      OfpType.OFPT_ECHO_REQUEST,
      OfpType.OFPT_FEATURES_REPLY,
      OfpType.OFPT_PACKET_IN,
      OfpType.OFPT_PACKET_OUT,
      OfpType.OFPT_FLOW_MOD,
      OfpType.OFPT_FLOW_REMOVED,
      OfpType.OFPT_PORT_STATUS,
      OfpType.OFPT_GROUP_MOD,
      OfpType.OFPT_METER_MOD,
      OfpType.OFPT_MULTIPART_REQUEST,
      OfpType.OFPT_MULTIPART_REPLY,
      OfpType.OFPT_BARRIER_REQUEST,
      OfpType.OFPT_ROLE_REQUEST,
      OfpType.OFPT_ROLE_REPLY,
    ]) {
      expect(types.has(t), `message type ${t}`).toBe(true);
    }
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    it('decodes os-ken bytes to the value os-ken parsed', () => {
      expect(decodeMessage(f.bytes)).toStrictEqual(f.expected);
    });

    it('encodes the value to exactly os-ken bytes', () => {
      expect(encodeMessage(f.expected).toString('hex')).toBe(f.bytes.toString('hex'));
    });
  });
});

describe('error names', () => {
  const golden = loadGoldenErrorNames();

  it('match os-ken for every type and code of OpenFlow 1.3', () => {
    let codes = 0;
    for (const t of golden.types) {
      expect(errorTypeName(t.type)).toBe(t.name);
      for (const c of t.codes) {
        expect(errorCodeName(t.type, c.code)).toBe(c.name);
        codes++;
      }
    }
    expect(codes).toBeGreaterThan(100);
  });

  it('name unknown types and codes by number', () => {
    expect(errorTypeName(0x20)).toBe('OFPET_0x0020');
    expect(errorCodeName(4, 99)).toBe('OFPET_BAD_MATCH/0x0063');
    expect(describeError({ errType: 5, code: 1 })).toBe('OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL');
    expect(describeError({ errType: 0xffff, code: 3, experimenter: 0x2320 })).toBe(
      'OFPET_EXPERIMENTER experimenter 0x2320 exp_type 3',
    );
  });
});
