import { describe, expect, it } from 'vitest';
import type { FlowRule } from '../../../../src/model/flow.js';
import { P4InfoIndex } from '../../../../src/southbound/p4runtime/p4info-index.js';
import { loadSdncLspP4Info } from '../../../../src/southbound/p4runtime/p4runtime-proto.js';
import { P4RuntimeTranslator, TranslationError } from '../../../../src/southbound/p4runtime/p4runtime-translator.js';
import { compileSquareIntent, DPID } from './support/lsp-fixture.js';

const index = new P4InfoIndex(loadSdncLspP4Info());
const t = new P4RuntimeTranslator(index);
const padded = new P4RuntimeTranslator(index, 'full-width');

describe('P4RuntimeTranslator', () => {
  const intent = compileSquareIntent();

  it('round-trips every rule, group and meter the intent compiler produces', () => {
    for (const tr of [t, padded]) {
      for (const f of intent.flows) expect(tr.entryToFlow(f.device, tr.flowToEntry(f))).toEqual(f);
      for (const g of intent.groups) {
        const e = tr.groupToEntities(g);
        const members = new Map(e.members.map((m) => [m.memberId, m]));
        expect(tr.groupFromEntities(g.device, e.group, members)).toEqual(g);
      }
      for (const m of intent.meters) expect(tr.meterFromEntry(m.device, tr.meterToEntry(m))).toEqual(m);
    }
    expect(intent.flows.length).toBeGreaterThan(10);
    expect(intent.groups.length).toBeGreaterThan(2);
  });

  it('puts in_port + label rules in label_forward with priority 0 and the rest in classify', () => {
    const transit = intent.flows.find((f) => f.device === DPID(4) && f.actions.length === 1 && f.actions[0].type === 'output')!;
    const e = t.flowToEntry(transit);
    expect(e.tableId).toBe(index.table('label_forward').id);
    expect(e.priority).toBeUndefined();
    expect(e.match?.every((m) => m.exact)).toBe(true);
    const ingress = intent.flows.find((f) => f.device === DPID(1) && f.match.ipv4Src)!;
    const c = t.flowToEntry(ingress);
    expect(c.tableId).toBe(index.table('classify').id);
    expect(c.priority).toBe(ingress.priority);
  });

  it("omits don't-care fields and writes ternary values inside their masks", () => {
    const rule: FlowRule = {
      device: DPID(1),
      tableId: 0,
      priority: 30100,
      match: { inPort: 1, ethType: 0x0800, ipv4Dst: '10.1.0.0/16', ipv4Src: '0.0.0.0/0' },
      actions: [{ type: 'output', port: 4 }],
      cookie: 1,
    };
    const e = t.flowToEntry(rule);
    const names = e.match!.map((m) => index.table('classify').fieldsById.get(m.fieldId)!.name);
    expect(names).toEqual(['in_port', 'eth_type', 'ipv4_dst']);
    const dst = e.match![2].ternary!;
    expect(dst.value).toEqual(Buffer.from([10, 1, 0, 0]));
    expect(dst.mask).toEqual(Buffer.from([0xff, 0xff, 0, 0]));
    const { ipv4Src: _, ...rest } = rule.match;
    expect(t.entryToFlow(rule.device, e)?.match).toEqual(rest);
  });

  it('refuses what the pipeline cannot express, with a reason', () => {
    const base: FlowRule = { device: DPID(1), tableId: 0, priority: 1, match: { inPort: 1 }, actions: [], cookie: 0 };
    expect(() => t.flowToEntry({ ...base, actions: [{ type: 'dec-ttl' }] })).toThrow(TranslationError);
    expect(() => t.flowToEntry({ ...base, match: { inPort: 600 } })).toThrow(/does not fit/);
    expect(() => t.flowToEntry({ ...base, match: { tcpDst: 80 } })).toThrow(/ipProto 6/);
    expect(() => t.flowToEntry({ ...base, meterId: 5000, actions: [{ type: 'output', port: 2 }] })).toThrow(/meter id/);
    expect(() =>
      t.groupToEntities({ device: DPID(1), groupId: 9, type: 'select', buckets: [{ actions: [{ type: 'output', port: 1 }] }] }),
    ).toThrow(/select groups/);
    expect(() =>
      t.groupToEntities({
        device: DPID(1),
        groupId: 9,
        type: 'fast-failover',
        buckets: [{ actions: [{ type: 'output', port: 1 }] }],
      }),
    ).toThrow(/watch port/);
  });

  it('keeps the rule cookie, priority and table id in the entry metadata', () => {
    const f = intent.flows[0];
    const e = t.flowToEntry({ ...f, cookie: 2 ** 40 + 3, tableId: 3 });
    const back = t.entryToFlow(f.device, e)!;
    expect(back.cookie).toBe(2 ** 40 + 3);
    expect(back.tableId).toBe(3);
  });

  it('encodes meters in bytes with CIR = PIR and refuses ids outside the meter', () => {
    const m = t.meterToEntry({ device: DPID(1), meterId: 100, rateKbps: 10_000, burstKbits: 500 });
    expect(m.config).toEqual({ cir: '1250000', cburst: '62500', pir: '1250000', pburst: '62500' });
    expect(m.index?.index).toBe('100');
    expect(t.meterToEntry({ device: DPID(1), meterId: 100, rateKbps: 1, burstKbits: 1 }, true).config).toBeUndefined();
    expect(() => t.meterToEntry({ device: DPID(1), meterId: 4096, rateKbps: 1, burstKbits: 1 })).toThrow(/meter id/);
  });

  it('reads an action back by its P4Info alias, not by the last part of its name', () => {
    // Same pipeline, but every action's full name ends differently from its alias (p4c picks the alias).
    const p4info = loadSdncLspP4Info();
    const renamed = new P4InfoIndex({
      ...p4info,
      actions: (p4info.actions ?? []).map((a) => ({
        ...a,
        preamble: { ...a.preamble, name: `SdncIngress.v2.${a.preamble.alias}_impl` },
      })),
    });
    const forward = renamed.action('forward');
    expect(forward.alias).toBe('forward');
    expect(forward.name).toBe('SdncIngress.v2.forward_impl');
    const tr = new P4RuntimeTranslator(renamed);
    for (const f of intent.flows) expect(tr.entryToFlow(f.device, tr.flowToEntry(f))).toEqual(f);
    for (const g of intent.groups) {
      const e = tr.groupToEntities(g);
      expect(tr.groupFromEntities(g.device, e.group, new Map(e.members.map((m) => [m.memberId, m])))).toEqual(g);
    }
  });

  it('takes the name as the alias when the P4Info gives none', () => {
    const p4info = loadSdncLspP4Info();
    const bare = new P4InfoIndex({
      ...p4info,
      actions: (p4info.actions ?? []).map((a) => ({ ...a, preamble: { ...a.preamble, name: a.preamble.alias, alias: '' } })),
    });
    expect(bare.action('forward').alias).toBe('forward');
    const tr = new P4RuntimeTranslator(bare);
    for (const f of intent.flows) expect(tr.entryToFlow(f.device, tr.flowToEntry(f))).toEqual(f);
  });
});
