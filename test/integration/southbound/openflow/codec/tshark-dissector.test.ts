import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeMessage,
  OFP_NO_BUFFER,
  OfpActionType,
  OfpGroupId,
  OfpInstructionType,
  type OfpMessage,
  OfpMeterBandType,
  OfpPortNo,
  OfpType,
  OxmOfbField,
} from '../../../../../src/southbound/openflow/codec/index.js';

// An independent check of our encoder: Wireshark's OpenFlow 1.3 dissector reads what we write.
const hasTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;

/** A complete ARP request frame, so the dissector's inner Ethernet/ARP decode is clean too. */
const ARP_FRAME = Buffer.from(
  `ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002${'00'.repeat(18)}`,
  'hex',
);

const MESSAGES: readonly OfpMessage[] = [
  { type: OfpType.OFPT_HELLO, xid: 1, elements: [{ type: 1, bitmaps: [0x10] }] },
  {
    type: OfpType.OFPT_FLOW_MOD,
    xid: 2,
    cookie: 0x1122334455667788n,
    cookieMask: 0n,
    tableId: 3,
    command: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    priority: 4321,
    bufferId: OFP_NO_BUFFER,
    outPort: OfpPortNo.OFPP_ANY,
    outGroup: OfpGroupId.OFPG_ANY,
    flags: 1,
    match: [
      { field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 7 },
      { field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: 0x86dd },
      { field: OxmOfbField.OFPXMT_OFB_IPV6_DST, value: '2001:db8::53', mask: 'ffff:ffff::' },
    ],
    instructions: [
      { type: OfpInstructionType.OFPIT_METER, meterId: 9 },
      {
        type: OfpInstructionType.OFPIT_APPLY_ACTIONS,
        actions: [
          { type: OfpActionType.OFPAT_PUSH_MPLS, ethertype: 0x8847 },
          { type: OfpActionType.OFPAT_SET_FIELD, field: { field: OxmOfbField.OFPXMT_OFB_MPLS_LABEL, value: 1001 } },
          { type: OfpActionType.OFPAT_OUTPUT, port: 5, maxLen: 0 },
        ],
      },
    ],
  },
  {
    type: OfpType.OFPT_METER_MOD,
    xid: 3,
    command: 0,
    flags: 1,
    meterId: 9,
    bands: [{ type: OfpMeterBandType.OFPMBT_DROP, rate: 250000, burstSize: 1000 }],
  },
  {
    type: OfpType.OFPT_PACKET_IN,
    xid: 4,
    bufferId: OFP_NO_BUFFER,
    totalLen: ARP_FRAME.length,
    reason: 1,
    tableId: 0,
    cookie: 77n,
    match: [{ field: OxmOfbField.OFPXMT_OFB_IN_PORT, value: 2 }],
    data: ARP_FRAME,
  },
];

/** A classic pcap of one TCP stream to port 6653 carrying the given payloads (checksums left 0). */
function pcapOf(payloads: readonly Buffer[]): Buffer {
  const parts = [Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')];
  let seq = 1;
  payloads.forEach((payload, i) => {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(40000, 0);
    tcp.writeUInt16BE(6653, 2);
    tcp.writeUInt32BE(seq, 4);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18;
    tcp.writeUInt16BE(65535, 14);
    const ip = Buffer.from('450000000001000040060000' + '7f000001' + '7f000001', 'hex');
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    const frame = Buffer.concat([Buffer.alloc(12), Buffer.from('0800', 'hex'), ip, tcp, payload]);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(i, 0);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    parts.push(record, frame);
    seq += payload.length;
  });
  return Buffer.concat(parts);
}

const FIELDS = [
  'openflow_v4.type',
  'openflow_v4.xid',
  'openflow_v4.flowmod.priority',
  'openflow_v4.flowmod.cookie',
  'openflow_v4.oxm.value_ipv6addr',
  'openflow_v4.action.output.port',
  'openflow_v4.action.push_mpls.ethertype',
  'openflow_v4.meter_band.rate',
  'openflow_v4.packet_in.cookie',
  '_ws.expert',
];

describe.skipIf(!hasTshark)('tshark dissects what the codec encodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ofcodec-tshark-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every message with our type, xid and field values, and nothing malformed', () => {
    const file = join(dir, 'codec.pcap');
    writeFileSync(file, pcapOf(MESSAGES.map((m) => encodeMessage(m))));
    const run = spawnSync(
      'tshark',
      ['-r', file, '-d', 'tcp.port==6653,openflow', '-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f])],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((line) => Object.fromEntries(line.split('|').map((v, i) => [FIELDS[i], v])));
    expect(rows).toHaveLength(MESSAGES.length);
    rows.forEach((row, i) => {
      const msg = MESSAGES[i] as { type: number; xid: number };
      expect(row['openflow_v4.type']).toBe(String(msg.type));
      expect(row['openflow_v4.xid']).toBe(String(msg.xid));
      expect(row['_ws.expert'], `message ${i}`).not.toMatch(/Malformed|Error/);
    });
    expect(rows[1]['openflow_v4.flowmod.priority']).toBe('4321');
    expect(BigInt(rows[1]['openflow_v4.flowmod.cookie'])).toBe(0x1122334455667788n);
    expect(rows[1]['openflow_v4.oxm.value_ipv6addr']).toBe('2001:db8::53');
    expect(rows[1]['openflow_v4.action.output.port']).toBe('5');
    expect(Number(rows[1]['openflow_v4.action.push_mpls.ethertype'])).toBe(0x8847);
    expect(rows[2]['openflow_v4.meter_band.rate']).toBe('250000');
    expect(BigInt(rows[3]['openflow_v4.packet_in.cookie'])).toBe(77n);
  });
});
