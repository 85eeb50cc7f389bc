import { afterEach, describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../../src/flow/driver.js';
import type { FlowRule } from '../../../../src/model/flow.js';
import { LLDP_PUNT_RULE } from '../../../../src/southbound/discovery/lldp-frame.js';
import {
  decodeMessage,
  encodeMessage,
  type OfpFlowMod,
  type OfpFlowRemoved,
  type OfpMessage,
  OfpType,
} from '../../../../src/southbound/openflow/codec/index.js';
import { OpenflowDriver } from '../../../../src/southbound/openflow/openflow-driver.js';
import { compileBatch, flowAdd, flowDelete } from '../../../../src/southbound/openflow/openflow-flow-compiler.js';
import { flowRemovedEvent } from '../../../../src/southbound/openflow/openflow-flow-removed.js';
import { toOfpMatch } from '../../../../src/southbound/openflow/openflow-match.js';
import { OpenflowServer } from '../../../../src/southbound/openflow/openflow-server.js';
import { flowFromStats } from '../../../../src/southbound/openflow/openflow-state-reader.js';
import { SimulatedSwitch } from './simulated-switch.js';

const D = '0000000000000009';
const OFPFF_SEND_FLOW_REM = 0x0001;

const rule: FlowRule = {
  device: D,
  tableId: 1,
  priority: 1200,
  match: { inPort: 3, ethType: 0x0800, ipv4Dst: '10.0.2.0/24' },
  actions: [{ type: 'output', port: 4 }],
  cookie: 0x51,
};

/** The OFPT_FLOW_REMOVED a switch sends for `r`, through the real codec. */
function removed(r: FlowRule, reason: number, match = toOfpMatch(r.match)): OfpFlowRemoved {
  const m: OfpFlowRemoved = {
    type: OfpType.OFPT_FLOW_REMOVED,
    xid: 0,
    cookie: BigInt(r.cookie),
    priority: r.priority,
    reason,
    tableId: r.tableId,
    durationSec: 3,
    durationNsec: 0,
    idleTimeout: 0,
    hardTimeout: 0,
    packetCount: 12n,
    byteCount: 1200n,
    match,
  };
  return decodeMessage(encodeMessage(m)) as OfpFlowRemoved;
}

describe('OFPFF_SEND_FLOW_REM on installed rules', () => {
  it('sets the flag on adds and modifies, not on deletes, and reads the rule back without it', () => {
    const batch = compileBatch(D, {
      addMeters: [],
      modifyMeters: [],
      addGroups: [],
      modifyGroups: [],
      addFlows: [rule],
      modifyFlows: [{ ...rule, priority: 7 }],
      deleteFlows: [{ ...rule, priority: 8 }],
      deleteGroups: [],
      deleteMeters: [],
    });
    const mods = batch.flat().map((c) => decodeMessage(encodeMessage({ ...c.msg, xid: 1 } as OfpMessage)) as OfpFlowMod);
    expect(mods.map((m) => [m.command, m.flags])).toEqual([
      [4, 0], // OFPFC_DELETE_STRICT
      [0, OFPFF_SEND_FLOW_REM],
      [0, OFPFF_SEND_FLOW_REM],
    ]);
    const fm = flowAdd(D, rule) as OfpFlowMod;
    expect(flowDelete(D, rule)).toMatchObject({ flags: 0 });
    // What a switch reports in flow stats keeps the flag; the model rule does not carry it.
    const stats = { ...fm, flags: OFPFF_SEND_FLOW_REM, durationSec: 1, durationNsec: 0, packetCount: 0n, byteCount: 0n };
    expect(flowFromStats(D, stats)).toEqual({ ok: true, value: rule });
  });
});

describe('OFPT_FLOW_REMOVED -> flow-removed', () => {
  it('maps every reason of A.4.2 (and 1.4 meter-delete), unknown ones to other', () => {
    const reasons = [0, 1, 2, 3, 4, 9].map((r) => flowRemovedEvent(D, removed(rule, r)).reason);
    expect(reasons).toEqual(['idle-timeout', 'hard-timeout', 'delete', 'group-delete', 'meter-delete', 'other']);
  });

  it('carries cookie, table, priority and the match read back as the model wrote it', () => {
    expect(flowRemovedEvent(D, removed(rule, 2))).toEqual({
      type: 'flow-removed',
      device: D,
      cookie: 0x51,
      tableId: 1,
      priority: 1200,
      reason: 'delete',
      match: rule.match,
    });
  });

  it('leaves the match out when the model cannot express it', () => {
    const pcp = removed(rule, 2, [{ field: 7 /* OFPXMT_OFB_VLAN_PCP */, value: 3 } as OfpFlowRemoved['match'][number]]);
    const e = flowRemovedEvent(D, pcp);
    expect(e).not.toHaveProperty('match');
    expect(e).toMatchObject({ cookie: 0x51, priority: 1200, reason: 'delete' });
  });
});

describe('OpenflowDriver and FLOW_REMOVED over a connection', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('asks for removal notices on the LLDP punt and emits flow-removed for what the switch reports', async () => {
    const server = new OpenflowServer({ host: '127.0.0.1', port: 0 });
    const { tcpPort } = await server.start();
    cleanup.push(() => server.stop());
    const driver = new OpenflowDriver(server);
    const events: DriverEvent[] = [];
    driver.subscribe((e) => events.push(e));
    const sw = new SimulatedSwitch({ datapathId: 0x9n });
    cleanup.push(() => sw.close());
    await sw.connect(tcpPort!);
    await until(() => events.some((e) => e.type === 'device-connected'));

    const punt = sw.received.find((m): m is OfpFlowMod => m.type === OfpType.OFPT_FLOW_MOD);
    expect(punt).toMatchObject({ priority: LLDP_PUNT_RULE.priority, flags: OFPFF_SEND_FLOW_REM });

    sw.send(removed({ ...LLDP_PUNT_RULE, device: D }, 2));
    sw.send(removed(rule, 0));
    await until(() => events.filter((e) => e.type === 'flow-removed').length === 2);
    expect(events.filter((e) => e.type === 'flow-removed')).toEqual([
      { type: 'flow-removed', device: D, cookie: 0, tableId: 0, priority: 0xffff, reason: 'delete', match: LLDP_PUNT_RULE.match },
      { type: 'flow-removed', device: D, cookie: 0x51, tableId: 1, priority: 1200, reason: 'idle-timeout', match: rule.match },
    ]);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}
