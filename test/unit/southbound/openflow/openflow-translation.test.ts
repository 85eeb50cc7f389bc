import { describe, expect, it } from 'vitest';
import type { FlowRule, GroupEntry, MeterEntry } from '../../../../src/model/flow.js';
import {
  decodeMessage,
  encodeMessage,
  type OfpFlowMod,
  type OfpGroupMod,
  type OfpMessage,
  OfpMeterBandType,
  OfpMeterFlags,
  type OfpMeterMod,
  type OfpMultipartReply,
  OfpMultipartReplyFlags,
  OfpMultipartType,
  OfpType,
  OxmOfbField,
} from '../../../../src/southbound/openflow/codec/index.js';
import { compileBatch, flowAdd, groupMod, meterMod } from '../../../../src/southbound/openflow/openflow-flow-compiler.js';
import { fromOfpMatch, toOfpMatch } from '../../../../src/southbound/openflow/openflow-match.js';
import {
  decodeEntries,
  flowFromStats,
  groupFromDesc,
  meterFromConfig,
} from '../../../../src/southbound/openflow/openflow-state-reader.js';

const D = '0000000000000001';

/** Through the real codec: what the switch would receive. */
function wire<T extends OfpMessage>(m: unknown): T {
  return decodeMessage(encodeMessage({ ...(m as object), xid: 7 } as OfpMessage)) as T;
}

describe('FlowRule <-> FLOW_MOD / flow stats', () => {
  const rule: FlowRule = {
    device: D,
    tableId: 2,
    priority: 4000,
    match: { inPort: 5, ethType: 0x0800, ipProto: 17, ipv4Dst: '192.168.7.0/24', udpDst: 4789, vlanVid: 42 },
    actions: [{ type: 'pop-vlan' }, { type: 'set-queue', queueId: 3 }, { type: 'output', port: 'controller' }],
    meterId: 12,
    cookie: 2 ** 40 + 5,
    idleTimeoutS: 30,
    hardTimeoutS: 90,
  };

  it('encodes VLAN ids with OFPVID_PRESENT and prefixes as value/mask, and reads them back equal', () => {
    const fm = wire<OfpFlowMod>(flowAdd(D, rule));
    expect(fm.match).toContainEqual({ field: OxmOfbField.OFPXMT_OFB_VLAN_VID, value: 0x1000 | 42 });
    expect(fm.match).toContainEqual({ field: OxmOfbField.OFPXMT_OFB_IPV4_DST, value: '192.168.7.0', mask: '255.255.255.0' });
    expect(fm.cookie).toBe(BigInt(2 ** 40 + 5));
    const back = flowFromStats(D, { ...fm, durationSec: 1, durationNsec: 0, packetCount: 0n, byteCount: 0n });
    expect(back).toEqual({ ok: true, value: rule });
  });

  it('clears host bits and writes /32 without a mask', () => {
    expect(toOfpMatch({ ethType: 0x0800, ipv4Src: '10.1.2.3/8', ipv4Dst: '10.9.9.9/32' })).toEqual([
      { field: OxmOfbField.OFPXMT_OFB_ETH_TYPE, value: 0x0800 },
      { field: OxmOfbField.OFPXMT_OFB_IPV4_SRC, value: '10.0.0.0', mask: '255.0.0.0' },
      { field: OxmOfbField.OFPXMT_OFB_IPV4_DST, value: '10.9.9.9' },
    ]);
    const v6 = toOfpMatch({ ethType: 0x86dd, ipv6Src: '2001:db8:aaaa:bbbb::1/48' });
    expect(v6[1]).toEqual({ field: OxmOfbField.OFPXMT_OFB_IPV6_SRC, value: '2001:db8:aaaa::', mask: 'ffff:ffff:ffff::' });
    expect(fromOfpMatch(v6)).toEqual({ ok: true, value: { ethType: 0x86dd, ipv6Src: '2001:db8:aaaa::/48' } });
  });

  it('refuses matches that miss a prerequisite or cannot be expressed, with the reason', () => {
    expect(() => toOfpMatch({ ipv4Dst: '10.0.0.0/8' })).toThrow(/ipv4Dst needs ethType 0x0800/);
    expect(() => toOfpMatch({ ethType: 0x0800, tcpDst: 80 })).toThrow(/tcpDst needs ipProto 6/);
    expect(() => toOfpMatch({ ethType: 0x0800, ipv4Dst: '0.0.0.0/0' })).toThrow(/prefix length must be 1\.\.32/);
    expect(() => flowAdd(D, { ...rule, match: { mplsLabel: 5 } })).toThrow(
      expect.objectContaining({ code: 'SDNC_ERR_FLOW_INVALID' }),
    );
    expect(() => flowAdd(D, { ...rule, cookie: -1 })).toThrow(/cookie -1/);
    expect(() => flowAdd(D, { ...rule, actions: [{ type: 'output', port: 0 }] })).toThrow(/output port 0/);
  });

  it('reports switch entries the model cannot express instead of misreading them', () => {
    const masked = fromOfpMatch([
      { field: OxmOfbField.OFPXMT_OFB_ETH_DST, value: '01:00:00:00:00:00', mask: '01:00:00:00:00:00' },
    ]);
    expect(masked).toMatchObject({ ok: false, reason: expect.stringMatching(/masked MAC/) });
    const pcp = fromOfpMatch([{ field: OxmOfbField.OFPXMT_OFB_VLAN_PCP, value: 3 }]);
    expect(pcp.ok).toBe(false);
  });
});

describe('groups and meters', () => {
  const ff: GroupEntry = {
    device: D,
    groupId: 3,
    type: 'fast-failover',
    buckets: [
      { watchPort: 1, actions: [{ type: 'output', port: 1 }] },
      {
        watchPort: 2,
        actions: [
          { type: 'push-mpls', ethType: 0x8847 },
          { type: 'set-mpls-label', label: 77 },
          { type: 'output', port: 2 },
        ],
      },
    ],
  };

  it('round-trips a fast-failover group and refuses buckets without a watch', () => {
    const gm = wire<OfpGroupMod>(groupMod(D, ff, 0));
    expect(gm.buckets.map((b) => [b.watchPort, b.watchGroup, b.weight])).toEqual([
      [1, 0xffffffff, 0],
      [2, 0xffffffff, 0],
    ]);
    expect(groupFromDesc(D, gm)).toEqual({ ok: true, value: ff });
    const bad = { ...ff, buckets: [{ actions: [] }] };
    expect(() => groupMod(D, bad, 0)).toThrow(/needs watchPort or watchGroup/);
  });

  it('round-trips a kbit/s drop meter', () => {
    const m: MeterEntry = { device: D, meterId: 9, rateKbps: 100_000, burstKbits: 10_000 };
    const mm = wire<OfpMeterMod>(meterMod(D, m, 0));
    expect(meterFromConfig(D, { flags: mm.flags, meterId: mm.meterId, bands: mm.bands })).toEqual({ ok: true, value: m });
    expect(() => meterMod(D, { ...m, meterId: 0 }, 0)).toThrow(/meterId 0/);
  });

  it('orders a batch in barrier-separated phases: meters and groups, flows, then deletions', () => {
    const flow: FlowRule = { device: D, tableId: 0, priority: 1, match: {}, actions: [{ type: 'group', groupId: 3 }], cookie: 1 };
    const phases = compileBatch(D, {
      addMeters: [],
      modifyMeters: [],
      addGroups: [ff],
      modifyGroups: [],
      addFlows: [flow],
      modifyFlows: [],
      deleteFlows: [{ ...flow, priority: 2 }],
      deleteGroups: [{ ...ff, groupId: 4 }],
      deleteMeters: [],
    });
    expect(phases.map((p) => p.map((c) => c.what))).toEqual([
      ['add group 3'],
      ['delete flow table 0 priority 2 cookie 1', 'add flow table 0 priority 1 cookie 1'],
      ['delete group 4'],
    ]);
    expect(phases[1][0].msg).toMatchObject({ type: OfpType.OFPT_FLOW_MOD, command: 4 });
  });
});

describe('decodeEntries (multipart reply parts -> model values)', () => {
  const drop = (rate: number) => [{ type: OfpMeterBandType.OFPMBT_DROP as const, rate, burstSize: rate / 10 }];
  const meterPart = (flags: number, meters: { flags: number; meterId: number; rate: number }[]): OfpMultipartReply => ({
    type: OfpType.OFPT_MULTIPART_REPLY,
    xid: 7,
    flags,
    mpType: OfpMultipartType.OFPMP_METER_CONFIG,
    body: meters.map((m) => ({ flags: m.flags, meterId: m.meterId, bands: drop(m.rate) })),
  });
  const kbps = OfpMeterFlags.OFPMF_KBPS;

  it('decodes every entry of every part of the kind in order, reports the undecodable ones and ignores other kinds', () => {
    const parts: OfpMultipartReply[] = [
      meterPart(OfpMultipartReplyFlags.OFPMPF_REPLY_MORE, [
        { flags: kbps, meterId: 9, rate: 1000 },
        { flags: OfpMeterFlags.OFPMF_PKTPS, meterId: 10, rate: 50 },
      ]),
      {
        type: OfpType.OFPT_MULTIPART_REPLY,
        xid: 7,
        flags: OfpMultipartReplyFlags.OFPMPF_REPLY_MORE,
        mpType: OfpMultipartType.OFPMP_DESC,
        body: { mfrDesc: '', hwDesc: '', swDesc: '', serialNum: '', dpDesc: '' },
      },
      meterPart(0, [{ flags: kbps, meterId: 11, rate: 2000 }]),
    ];
    const skipped: string[] = [];
    const meters = decodeEntries(D, parts, OfpMultipartType.OFPMP_METER_CONFIG, meterFromConfig, (r) => skipped.push(r));
    expect(meters).toEqual([
      { device: D, meterId: 9, rateKbps: 1000, burstKbits: 100 },
      { device: D, meterId: 11, rateKbps: 2000, burstKbits: 200 },
    ]);
    expect(skipped).toEqual(['meter 10 counts packets, not kbit/s']);
    expect(decodeEntries(D, parts, OfpMultipartType.OFPMP_FLOW, flowFromStats, (r) => skipped.push(r))).toEqual([]);
    expect(skipped).toHaveLength(1);
  });
});
