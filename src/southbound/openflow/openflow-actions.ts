import type { FlowAction, ReservedPort } from '../../model/flow.js';
import {
  type OfpAction,
  OfpActionType,
  OfpControllerMaxLen,
  OfpGroupId,
  OfpPortNo,
  OfpVlanId,
  OxmOfbField,
} from './codec/index.js';
import { type Decoded, mac } from './openflow-match.js';

/**
 * FlowAction <-> OpenFlow 1.3 actions (section 5.12, A.2.5). Header rewrites are OFPAT_SET_FIELD
 * (section 7.2.5); a VLAN id is written with OFPVID_PRESENT set (A.2.3.7) and read back without it.
 */

const RESERVED: Record<ReservedPort, number> = {
  controller: OfpPortNo.OFPP_CONTROLLER,
  'in-port': OfpPortNo.OFPP_IN_PORT,
  flood: OfpPortNo.OFPP_FLOOD,
  all: OfpPortNo.OFPP_ALL,
  local: OfpPortNo.OFPP_LOCAL,
};
const RESERVED_BY_NUMBER = new Map<number, ReservedPort>(Object.entries(RESERVED).map(([k, v]) => [v, k as ReservedPort]));

export function toOfpActions(actions: readonly FlowAction[]): OfpAction[] {
  return actions.map(toOfpAction);
}

function toOfpAction(a: FlowAction): OfpAction {
  switch (a.type) {
    case 'output': {
      const port = typeof a.port === 'number' ? portNumber(a.port) : RESERVED[a.port];
      return {
        type: OfpActionType.OFPAT_OUTPUT,
        port,
        maxLen: port === OfpPortNo.OFPP_CONTROLLER ? OfpControllerMaxLen.OFPCML_NO_BUFFER : 0,
      };
    }
    case 'group':
      return { type: OfpActionType.OFPAT_GROUP, groupId: bounded(a.groupId, OfpGroupId.OFPG_MAX, 'groupId') };
    case 'push-vlan':
      return { type: OfpActionType.OFPAT_PUSH_VLAN, ethertype: a.ethType ?? 0x8100 };
    case 'pop-vlan':
      return { type: OfpActionType.OFPAT_POP_VLAN };
    case 'set-vlan-vid':
      return setField(OxmOfbField.OFPXMT_OFB_VLAN_VID, bounded(a.vid, 0xfff, 'vid') | OfpVlanId.OFPVID_PRESENT);
    case 'push-mpls':
      return { type: OfpActionType.OFPAT_PUSH_MPLS, ethertype: a.ethType ?? 0x8847 };
    case 'pop-mpls':
      return { type: OfpActionType.OFPAT_POP_MPLS, ethertype: bounded(a.ethType, 0xffff, 'ethType') };
    case 'set-mpls-label':
      return setField(OxmOfbField.OFPXMT_OFB_MPLS_LABEL, bounded(a.label, 0xfffff, 'label'));
    case 'set-eth-src':
      return {
        type: OfpActionType.OFPAT_SET_FIELD,
        field: { field: OxmOfbField.OFPXMT_OFB_ETH_SRC, value: mac(a.mac, 'set-eth-src') },
      };
    case 'set-eth-dst':
      return {
        type: OfpActionType.OFPAT_SET_FIELD,
        field: { field: OxmOfbField.OFPXMT_OFB_ETH_DST, value: mac(a.mac, 'set-eth-dst') },
      };
    case 'set-queue':
      return { type: OfpActionType.OFPAT_SET_QUEUE, queueId: bounded(a.queueId, 0xfffffffe, 'queueId') };
    case 'dec-ttl':
      return { type: OfpActionType.OFPAT_DEC_NW_TTL };
  }
}

export function fromOfpActions(actions: readonly OfpAction[]): Decoded<FlowAction[]> {
  const out: FlowAction[] = [];
  for (const a of actions) {
    const d = fromOfpAction(a);
    if (!d.ok) return d;
    out.push(d.value);
  }
  return { ok: true, value: out };
}

function fromOfpAction(a: OfpAction): Decoded<FlowAction> {
  const ok = (value: FlowAction): Decoded<FlowAction> => ({ ok: true, value });
  switch (a.type) {
    case OfpActionType.OFPAT_OUTPUT:
      return ok({ type: 'output', port: RESERVED_BY_NUMBER.get(a.port) ?? a.port });
    case OfpActionType.OFPAT_GROUP:
      return ok({ type: 'group', groupId: a.groupId });
    case OfpActionType.OFPAT_PUSH_VLAN:
      return ok({ type: 'push-vlan', ethType: a.ethertype });
    case OfpActionType.OFPAT_POP_VLAN:
      return ok({ type: 'pop-vlan' });
    case OfpActionType.OFPAT_PUSH_MPLS:
      return ok({ type: 'push-mpls', ethType: a.ethertype });
    case OfpActionType.OFPAT_POP_MPLS:
      return ok({ type: 'pop-mpls', ethType: a.ethertype });
    case OfpActionType.OFPAT_SET_QUEUE:
      return ok({ type: 'set-queue', queueId: a.queueId });
    case OfpActionType.OFPAT_DEC_NW_TTL:
      return ok({ type: 'dec-ttl' });
    case OfpActionType.OFPAT_SET_FIELD: {
      const f = a.field;
      if (f.field === OxmOfbField.OFPXMT_OFB_VLAN_VID) return ok({ type: 'set-vlan-vid', vid: (f.value as number) & 0xfff });
      if (f.field === OxmOfbField.OFPXMT_OFB_MPLS_LABEL) return ok({ type: 'set-mpls-label', label: f.value as number });
      if (f.field === OxmOfbField.OFPXMT_OFB_ETH_SRC) return ok({ type: 'set-eth-src', mac: (f.value as string).toLowerCase() });
      if (f.field === OxmOfbField.OFPXMT_OFB_ETH_DST) return ok({ type: 'set-eth-dst', mac: (f.value as string).toLowerCase() });
      return {
        ok: false,
        reason: `set-field of OXM field ${String(f.field === 'raw' ? `raw ${f.oxmField}` : f.field)} is not modelled`,
      };
    }
    default:
      return { ok: false, reason: `action type ${a.type === 'raw' ? a.actionType : a.type} is not modelled` };
  }
}

function setField(field: OxmOfbField.OFPXMT_OFB_VLAN_VID | OxmOfbField.OFPXMT_OFB_MPLS_LABEL, value: number): OfpAction {
  return { type: OfpActionType.OFPAT_SET_FIELD, field: { field, value } };
}

/** Physical/logical ports are 1..OFPP_MAX (section 4.5); reserved ports are named, not numbered. */
function portNumber(p: number): number {
  if (!Number.isInteger(p) || p < 1 || p > OfpPortNo.OFPP_MAX)
    throw new Error(`output port ${p} is not in 1..${OfpPortNo.OFPP_MAX}`);
  return p;
}

function bounded(v: number, max: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`${name} ${v} is not an integer in 0..${max}`);
  return v;
}
