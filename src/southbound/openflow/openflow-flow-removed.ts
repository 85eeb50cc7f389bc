import type { FlowRemovedEvent, FlowRemovedReason } from '../../flow/driver.js';
import { type OfpFlowRemoved, OfpFlowRemovedReason } from './codec/index.js';
import { fromOfpMatch } from './openflow-match.js';

/**
 * OFPT_FLOW_REMOVED (A.4.2) -> the driver's `flow-removed` event. The switch sends it for every entry
 * installed with OFPFF_SEND_FLOW_REM (A.3.4.1), which the compiler sets on all of ours, whoever removed
 * it: a timeout, a delete flow-mod of any controller or of `ovs-ofctl`, or the deletion of a group it
 * pointed to. OFPRR_METER_DELETE is OpenFlow 1.4's value (A.4.2 of 1.4); a 1.3 switch may still use it.
 */

const OFPRR_METER_DELETE = 0x04;

const REASONS: Record<number, FlowRemovedReason> = {
  [OfpFlowRemovedReason.OFPRR_IDLE_TIMEOUT]: 'idle-timeout',
  [OfpFlowRemovedReason.OFPRR_HARD_TIMEOUT]: 'hard-timeout',
  [OfpFlowRemovedReason.OFPRR_DELETE]: 'delete',
  [OfpFlowRemovedReason.OFPRR_GROUP_DELETE]: 'group-delete',
  [OFPRR_METER_DELETE]: 'meter-delete',
};

export function flowRemovedEvent(device: string, m: OfpFlowRemoved): FlowRemovedEvent {
  const match = fromOfpMatch(m.match);
  return {
    type: 'flow-removed',
    device,
    // Model cookies are safe integers; a larger one is another controller's and matches none of ours.
    cookie: Number(m.cookie),
    tableId: m.tableId,
    priority: m.priority,
    reason: REASONS[m.reason] ?? 'other',
    ...(match.ok ? { match: match.value } : {}),
  };
}
