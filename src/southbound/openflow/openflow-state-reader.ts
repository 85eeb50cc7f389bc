import type { FlowAction, FlowRule, GroupBucket, GroupEntry, GroupType, MeterEntry } from '../../model/flow.js';
import {
  type OfpFlowStats,
  type OfpGroupDesc,
  OfpGroupId,
  OfpInstructionType,
  OfpMeterBandType,
  type OfpMeterConfig,
  OfpMeterFlags,
  type OfpMultipartReply,
  type OfpMultipartType,
  OfpPortNo,
} from './codec/index.js';
import { fromOfpActions } from './openflow-actions.js';
import { GROUP_TYPES } from './openflow-flow-compiler.js';
import { type Decoded, fromOfpMatch } from './openflow-match.js';

/**
 * Multipart replies (flow stats, group desc, meter config; A.3.5) -> model values, normalised so that
 * what the compiler installed reads back equal: zero timeouts and absent meters are left out, bucket
 * weights appear only for select groups and watch ports only when set, and flow-mod flags (the
 * compiler's OFPFF_SEND_FLOW_REM) are not part of a rule. Entries the model cannot
 * express (other controllers' rules, instructions we never write) fail with a reason; the caller
 * reports them instead of silently misreading.
 */

/** The multipart replies the state reader turns into model values, each with the type of its body's entries. */
type ListReply = OfpMultipartType.OFPMP_FLOW | OfpMultipartType.OFPMP_GROUP_DESC | OfpMultipartType.OFPMP_METER_CONFIG;
type ReplyEntries = { [K in ListReply]: Extract<OfpMultipartReply, { readonly mpType: K }>['body'][number] };

/**
 * Every entry of the `mpType` parts of a multipart reply, decoded in reply order; an entry that does not
 * decode goes to `skipped` with its reason and is left out. Parts of another kind are ignored.
 */
export function decodeEntries<K extends keyof ReplyEntries, T>(
  device: string,
  parts: readonly OfpMultipartReply[],
  mpType: K,
  decode: (device: string, entry: ReplyEntries[K]) => Decoded<T>,
  skipped: (reason: string) => void,
): T[] {
  const values: T[] = [];
  for (const p of parts) {
    if (p.mpType !== mpType) continue;
    for (const entry of (p as unknown as { readonly body: readonly ReplyEntries[K][] }).body) {
      const d = decode(device, entry);
      if (d.ok) values.push(d.value);
      else skipped(d.reason);
    }
  }
  return values;
}

const TYPE_BY_NUMBER = new Map<number, GroupType>(Object.entries(GROUP_TYPES).map(([k, v]) => [v, k as GroupType]));

export function flowFromStats(device: string, s: OfpFlowStats): Decoded<FlowRule> {
  const match = fromOfpMatch(s.match);
  if (!match.ok) return match;
  let actions: FlowAction[] = [];
  let meterId: number | undefined;
  for (const ins of s.instructions) {
    if (ins.type === OfpInstructionType.OFPIT_APPLY_ACTIONS) {
      const a = fromOfpActions(ins.actions);
      if (!a.ok) return a;
      actions = a.value;
    } else if (ins.type === OfpInstructionType.OFPIT_METER) {
      meterId = ins.meterId;
    } else {
      return { ok: false, reason: `instruction type ${ins.type === 'raw' ? ins.instructionType : ins.type} is not modelled` };
    }
  }
  const rule: FlowRule = {
    device,
    tableId: s.tableId,
    priority: s.priority,
    match: match.value,
    actions,
    cookie: Number(s.cookie),
    ...(meterId === undefined ? {} : { meterId }),
    ...(s.idleTimeout === 0 ? {} : { idleTimeoutS: s.idleTimeout }),
    ...(s.hardTimeout === 0 ? {} : { hardTimeoutS: s.hardTimeout }),
  };
  return { ok: true, value: rule };
}

export function groupFromDesc(device: string, d: OfpGroupDesc): Decoded<GroupEntry> {
  const type = TYPE_BY_NUMBER.get(d.groupType);
  if (type === undefined) return { ok: false, reason: `group type ${d.groupType} is not modelled` };
  const buckets: GroupBucket[] = [];
  for (const b of d.buckets) {
    const actions = fromOfpActions(b.actions);
    if (!actions.ok) return actions;
    buckets.push({
      ...(b.watchPort === OfpPortNo.OFPP_ANY ? {} : { watchPort: b.watchPort }),
      ...(b.watchGroup === OfpGroupId.OFPG_ANY ? {} : { watchGroup: b.watchGroup }),
      ...(type === 'select' ? { weight: b.weight } : {}),
      actions: actions.value,
    });
  }
  return { ok: true, value: { device, groupId: d.groupId, type, buckets } };
}

export function meterFromConfig(device: string, c: OfpMeterConfig): Decoded<MeterEntry> {
  if ((c.flags & OfpMeterFlags.OFPMF_PKTPS) !== 0) return { ok: false, reason: `meter ${c.meterId} counts packets, not kbit/s` };
  const drop = c.bands.find((b) => b.type === OfpMeterBandType.OFPMBT_DROP);
  if (!drop || drop.type !== OfpMeterBandType.OFPMBT_DROP || c.bands.length !== 1)
    return { ok: false, reason: `meter ${c.meterId} is not a single drop band` };
  return { ok: true, value: { device, meterId: c.meterId, rateKbps: drop.rate, burstKbits: drop.burstSize } };
}
