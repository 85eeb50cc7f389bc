import { SdncError } from '../../model/errors.js';
import type { DeviceBatch, FlowRule, GroupEntry, GroupType, MeterEntry } from '../../model/flow.js';
import {
  OFP_NO_BUFFER,
  OfpFlowModCommand,
  OfpFlowModFlags,
  OfpGroupId,
  OfpGroupModCommand,
  OfpGroupType,
  type OfpInstruction,
  OfpInstructionType,
  OfpMeterBandType,
  OfpMeterFlags,
  OfpMeterId,
  OfpMeterModCommand,
  OfpPortNo,
  OfpType,
} from './codec/index.js';
import { toOfpActions } from './openflow-actions.js';
import { toOfpMatch } from './openflow-match.js';
import type { OutgoingMessage } from './openflow-session.js';

/**
 * Pure builders: model values -> OpenFlow 1.3 messages. A DeviceBatch becomes up to three phases that
 * must be separated by barriers, because a switch may reorder messages between barriers (section 6.2):
 * meters and groups first (flows refer to them), then flows, then the deletion of groups and meters the
 * deleted flows used.
 */

export const GROUP_TYPES: Record<GroupType, OfpGroupType> = {
  all: OfpGroupType.OFPGT_ALL,
  select: OfpGroupType.OFPGT_SELECT,
  indirect: OfpGroupType.OFPGT_INDIRECT,
  'fast-failover': OfpGroupType.OFPGT_FF,
};
const MAX_PRIORITY = 0xffff;

/** One message of a batch with what it does, for error reports ("add group 7"). */
export interface CompiledMessage {
  readonly msg: OutgoingMessage;
  readonly what: string;
}

/** A batch's messages in the phases that need a barrier between them; empty phases are left out. */
export function compileBatch(device: string, b: DeviceBatch): CompiledMessage[][] {
  const flowWhat = (verb: string, f: FlowRule) => `${verb} flow table ${f.tableId} priority ${f.priority} cookie ${f.cookie}`;
  const phases: CompiledMessage[][] = [
    [
      ...b.addMeters.map((m) => ({ msg: meterMod(device, m, OfpMeterModCommand.OFPMC_ADD), what: `add meter ${m.meterId}` })),
      ...b.modifyMeters.map((m) => ({
        msg: meterMod(device, m, OfpMeterModCommand.OFPMC_MODIFY),
        what: `modify meter ${m.meterId}`,
      })),
      ...b.addGroups.map((g) => ({ msg: groupMod(device, g, OfpGroupModCommand.OFPGC_ADD), what: `add group ${g.groupId}` })),
      ...b.modifyGroups.map((g) => ({
        msg: groupMod(device, g, OfpGroupModCommand.OFPGC_MODIFY),
        what: `modify group ${g.groupId}`,
      })),
    ],
    [
      // Deletes first: a batch that deletes and re-adds the same entry must end with it installed.
      ...b.deleteFlows.map((f) => ({ msg: flowDelete(device, f), what: flowWhat('delete', f) })),
      ...b.addFlows.map((f) => ({ msg: flowAdd(device, f), what: flowWhat('add', f) })),
      ...b.modifyFlows.map((f) => ({ msg: flowAdd(device, f), what: flowWhat('modify', f) })),
    ],
    [
      ...b.deleteGroups.map((g) => ({ msg: groupDelete(g.groupId), what: `delete group ${g.groupId}` })),
      ...b.deleteMeters.map((m) => ({ msg: meterDelete(m.meterId), what: `delete meter ${m.meterId}` })),
    ],
  ];
  return phases.filter((p) => p.length > 0);
}

/**
 * OFPFC_ADD. Also used to modify: section 6.4 has ADD replace an entry with the same match and
 * priority wholesale, while OFPFC_MODIFY would keep the old cookie and timeouts.
 *
 * Every entry carries OFPFF_SEND_FLOW_REM (A.3.4.1): the switch then reports its removal with
 * OFPT_FLOW_REMOVED whoever removed it (section 6.5), so a rule deleted behind the controller's back
 * is noticed at once instead of at the next audit. The flag is not part of the model; the state
 * reader leaves it out, so read-back rules still equal what was installed.
 */
export function flowAdd(device: string, rule: FlowRule): OutgoingMessage {
  return translate(device, () => {
    checkRule(rule);
    const instructions: OfpInstruction[] = [];
    if (rule.meterId !== undefined) instructions.push({ type: OfpInstructionType.OFPIT_METER, meterId: meterId(rule.meterId) });
    if (rule.actions.length > 0)
      instructions.push({ type: OfpInstructionType.OFPIT_APPLY_ACTIONS, actions: toOfpActions(rule.actions) });
    return {
      type: OfpType.OFPT_FLOW_MOD,
      cookie: cookie(rule.cookie),
      cookieMask: 0n,
      tableId: rule.tableId,
      command: OfpFlowModCommand.OFPFC_ADD,
      idleTimeout: timeout(rule.idleTimeoutS, 'idleTimeoutS'),
      hardTimeout: timeout(rule.hardTimeoutS, 'hardTimeoutS'),
      priority: rule.priority,
      bufferId: OFP_NO_BUFFER,
      outPort: OfpPortNo.OFPP_ANY,
      outGroup: OfpGroupId.OFPG_ANY,
      flags: OfpFlowModFlags.OFPFF_SEND_FLOW_REM,
      match: toOfpMatch(rule.match),
      instructions,
    };
  });
}

/** OFPFC_DELETE_STRICT: exactly this table, priority and match, whatever the cookie (section 6.4). */
export function flowDelete(device: string, rule: FlowRule): OutgoingMessage {
  return translate(device, () => {
    checkRule(rule);
    return {
      type: OfpType.OFPT_FLOW_MOD,
      cookie: 0n,
      cookieMask: 0n,
      tableId: rule.tableId,
      command: OfpFlowModCommand.OFPFC_DELETE_STRICT,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: rule.priority,
      bufferId: OFP_NO_BUFFER,
      outPort: OfpPortNo.OFPP_ANY,
      outGroup: OfpGroupId.OFPG_ANY,
      flags: 0,
      match: toOfpMatch(rule.match),
      instructions: [],
    };
  });
}

export function groupMod(device: string, g: GroupEntry, command: OfpGroupModCommand): OutgoingMessage {
  return translate(device, () => {
    const groupType = GROUP_TYPES[g.type];
    if (groupType === undefined) throw new Error(`group type ${String(g.type)} is unknown`);
    if (g.type === 'indirect' && g.buckets.length !== 1)
      throw new Error('an indirect group has exactly one bucket (section 5.6.1)');
    const buckets = g.buckets.map((b, i) => {
      if (g.type === 'fast-failover' && b.watchPort === undefined && b.watchGroup === undefined) {
        throw new Error(`fast-failover bucket ${i} needs watchPort or watchGroup (section 5.6.1)`);
      }
      return {
        // Weights are only meaningful for select groups; others must carry 0 (A.3.4.2).
        weight: g.type === 'select' ? (b.weight ?? 1) : 0,
        watchPort: b.watchPort ?? OfpPortNo.OFPP_ANY,
        watchGroup: b.watchGroup ?? OfpGroupId.OFPG_ANY,
        actions: toOfpActions(b.actions),
      };
    });
    return { type: OfpType.OFPT_GROUP_MOD, command, groupType, groupId: groupId(g.groupId), buckets };
  });
}

export function groupDelete(id: number): OutgoingMessage {
  return {
    type: OfpType.OFPT_GROUP_MOD,
    command: OfpGroupModCommand.OFPGC_DELETE,
    groupType: OfpGroupType.OFPGT_ALL,
    groupId: id,
    buckets: [],
  };
}

/** One drop band in kbit/s with an explicit burst (section 5.7). */
export function meterMod(device: string, m: MeterEntry, command: OfpMeterModCommand): OutgoingMessage {
  return translate(device, () => {
    if (!Number.isInteger(m.rateKbps) || m.rateKbps < 1 || m.rateKbps > 0xffffffff)
      throw new Error(`meter rate ${m.rateKbps} kbit/s is not in 1..2^32-1`);
    if (!Number.isInteger(m.burstKbits) || m.burstKbits < 0 || m.burstKbits > 0xffffffff)
      throw new Error(`meter burst ${m.burstKbits} kbit is not in 0..2^32-1`);
    return {
      type: OfpType.OFPT_METER_MOD,
      command,
      flags: OfpMeterFlags.OFPMF_KBPS | OfpMeterFlags.OFPMF_BURST | OfpMeterFlags.OFPMF_STATS,
      meterId: meterId(m.meterId),
      bands: [{ type: OfpMeterBandType.OFPMBT_DROP, rate: m.rateKbps, burstSize: m.burstKbits }],
    };
  });
}

export function meterDelete(id: number): OutgoingMessage {
  return { type: OfpType.OFPT_METER_MOD, command: OfpMeterModCommand.OFPMC_DELETE, flags: 0, meterId: id, bands: [] };
}

/** PACKET_OUT of a whole frame (no switch buffer) out of one port, as if it came from the controller. */
export function packetOut(port: number, frame: Buffer): OutgoingMessage {
  return {
    type: OfpType.OFPT_PACKET_OUT,
    bufferId: OFP_NO_BUFFER,
    inPort: OfpPortNo.OFPP_CONTROLLER,
    actions: toOfpActions([{ type: 'output', port }]),
    data: frame,
  };
}

function translate(device: string, build: () => OutgoingMessage): OutgoingMessage {
  try {
    return build();
  } catch (err) {
    throw new SdncError('SDNC_ERR_FLOW_INVALID', { device, reason: err instanceof Error ? err.message : String(err) });
  }
}

function checkRule(r: FlowRule): void {
  if (!Number.isInteger(r.tableId) || r.tableId < 0 || r.tableId > 0xfe) throw new Error(`tableId ${r.tableId} is not in 0..254`);
  if (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > MAX_PRIORITY)
    throw new Error(`priority ${r.priority} is not in 0..65535`);
}

function cookie(c: number): bigint {
  if (!Number.isSafeInteger(c) || c < 0) throw new Error(`cookie ${c} is not a non-negative safe integer`);
  return BigInt(c);
}

function timeout(s: number | undefined, name: string): number {
  if (s === undefined) return 0;
  if (!Number.isInteger(s) || s < 0 || s > 0xffff) throw new Error(`${name} ${s} is not in 0..65535`);
  return s;
}

function meterId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > OfpMeterId.OFPM_MAX)
    throw new Error(`meterId ${id} is not in 1..${OfpMeterId.OFPM_MAX}`);
  return id;
}

function groupId(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > OfpGroupId.OFPG_MAX)
    throw new Error(`groupId ${id} is not in 0..${OfpGroupId.OFPG_MAX}`);
  return id;
}
