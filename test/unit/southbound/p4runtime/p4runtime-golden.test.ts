import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowRule } from '../../../../src/model/flow.js';
import { P4InfoIndex } from '../../../../src/southbound/p4runtime/p4info-index.js';
import { uint128 } from '../../../../src/southbound/p4runtime/p4runtime-client.js';
import { Atomicity, UpdateType } from '../../../../src/southbound/p4runtime/p4runtime-messages.js';
import { encodeMessage, loadSdncLspP4Info } from '../../../../src/southbound/p4runtime/p4runtime-proto.js';
import { P4RuntimeTranslator } from '../../../../src/southbound/p4runtime/p4runtime-translator.js';
import { DPID } from './support/lsp-fixture.js';

/** Golden bytes from Google's Python protobuf runtime (golden/gen_golden.py builds the messages by hand). */
const golden: Record<string, string> = JSON.parse(readFileSync(join(import.meta.dirname, 'golden', 'golden.json'), 'utf8'));
const t = new P4RuntimeTranslator(new P4InfoIndex(loadSdncLspP4Info()));
const hex = (type: string, v: object) => encodeMessage(type, v).toString('hex');

const ingress: FlowRule = {
  device: DPID(1),
  tableId: 0,
  priority: 30064,
  match: { inPort: 1, ethType: 0x0800, ipv4Src: '10.0.0.1/32', ipv4Dst: '10.0.0.2/32' },
  actions: [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: 100 }, { type: 'output', port: 2 }],
  meterId: 100,
  cookie: 7,
};
const transit: FlowRule = {
  device: DPID(2),
  tableId: 0,
  priority: 20000,
  match: { inPort: 1, vlanVid: 100 },
  actions: [{ type: 'output', port: 2 }],
  cookie: 7,
};

describe('P4Runtime encodings equal an independent encoder', () => {
  it('table entries of an ingress classifier and a transit label switch', () => {
    expect(hex('p4.v1.TableEntry', t.flowToEntry(ingress))).toBe(golden.classify_push_label);
    expect(hex('p4.v1.TableEntry', t.flowToEntry(transit))).toBe(golden.label_forward);
  });

  it('a WriteRequest carrying both', () => {
    const req = {
      deviceId: '1',
      electionId: uint128(1n),
      atomicity: Atomicity.ROLLBACK_ON_ERROR,
      updates: [ingress, transit].map((f) => ({ type: UpdateType.INSERT, entity: { tableEntry: t.flowToEntry(f) } })),
    };
    expect(hex('p4.v1.WriteRequest', req)).toBe(golden.write_request);
  });

  it('a crankback fast-failover group with watch ports, and its bounce member', () => {
    const e = t.groupToEntities({
      device: DPID(2),
      groupId: 100,
      type: 'fast-failover',
      buckets: [
        { watchPort: 2, actions: [{ type: 'output', port: 2 }] },
        {
          watchPort: 1,
          actions: [
            { type: 'set-vlan-vid', vid: 101 },
            { type: 'output', port: 'in-port' },
          ],
        },
      ],
    });
    expect(hex('p4.v1.ActionProfileGroup', e.group)).toBe(golden.ff_group);
    expect(hex('p4.v1.ActionProfileMember', e.members[1])).toBe(golden.ff_member_bounce);
  });

  it('a meter cell, a packet-out and an arbitration request', () => {
    const m = t.meterToEntry({ device: DPID(1), meterId: 100, rateKbps: 10_000, burstKbits: 500 });
    expect(hex('p4.v1.MeterEntry', m)).toBe(golden.meter_entry);
    const packet = {
      payload: Buffer.from('frame'),
      metadata: [
        { metadataId: 1, value: Buffer.from([1, 2]) },
        { metadataId: 2, value: Buffer.from([0]) },
      ],
    };
    expect(hex('p4.v1.StreamMessageRequest', { packet })).toBe(golden.packet_out);
    expect(hex('p4.v1.StreamMessageRequest', { arbitration: { deviceId: '1', electionId: uint128(1n) } })).toBe(
      golden.arbitration,
    );
  });
});
