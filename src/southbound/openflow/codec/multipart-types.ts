/**
 * Typed multipart (statistics) requests and replies (A.3.5), discriminated by `type` and `mpType`.
 * Kinds the codec does not model are kept as raw bodies (`mpType: 'raw'`).
 */
import type { OfpMultipartType, OfpType } from './constants.js';
import type { OfpInstruction, OfpMatch } from './match-action-types.js';
import type { OfpBucket, OfpMeterBand, OfpPort } from './types.js';

export interface FlowStatsRequestBody {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: OfpMatch;
}
interface MpBase {
  readonly xid: number;
  /** OFPMPF_REQ_MORE / OFPMPF_REPLY_MORE: more parts with this xid follow. */
  readonly flags: number;
}
export interface MpRequestEmpty extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType:
    | OfpMultipartType.OFPMP_DESC
    | OfpMultipartType.OFPMP_TABLE
    | OfpMultipartType.OFPMP_GROUP_DESC
    | OfpMultipartType.OFPMP_GROUP_FEATURES
    | OfpMultipartType.OFPMP_METER_FEATURES
    | OfpMultipartType.OFPMP_PORT_DESC;
}
export interface MpRequestFlow extends MpBase, FlowStatsRequestBody {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType: OfpMultipartType.OFPMP_FLOW | OfpMultipartType.OFPMP_AGGREGATE;
}
export interface MpRequestPortStats extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType: OfpMultipartType.OFPMP_PORT_STATS;
  readonly portNo: number;
}
export interface MpRequestQueue extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType: OfpMultipartType.OFPMP_QUEUE;
  readonly portNo: number;
  readonly queueId: number;
}
export interface MpRequestGroup extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType: OfpMultipartType.OFPMP_GROUP;
  readonly groupId: number;
}
export interface MpRequestMeter extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST;
  readonly mpType: OfpMultipartType.OFPMP_METER | OfpMultipartType.OFPMP_METER_CONFIG;
  readonly meterId: number;
}
/** Table features, experimenter and unknown multipart kinds: the body after the multipart header. */
export interface MpRaw extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REQUEST | OfpType.OFPT_MULTIPART_REPLY;
  readonly mpType: 'raw';
  readonly rawMpType: number;
  readonly body: Buffer;
}
export type OfpMultipartRequest =
  | MpRequestEmpty
  | MpRequestFlow
  | MpRequestPortStats
  | MpRequestQueue
  | MpRequestGroup
  | MpRequestMeter
  | (MpRaw & { readonly type: OfpType.OFPT_MULTIPART_REQUEST });

/** ofp_desc (A.3.5.1). */
export interface OfpDesc {
  readonly mfrDesc: string;
  readonly hwDesc: string;
  readonly swDesc: string;
  readonly serialNum: string;
  readonly dpDesc: string;
}
/** ofp_flow_stats (A.3.5.2). */
export interface OfpFlowStats {
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly priority: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly cookie: bigint;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: OfpMatch;
  readonly instructions: readonly OfpInstruction[];
}
/** ofp_aggregate_stats_reply (A.3.5.3). */
export interface OfpAggregateStats {
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly flowCount: number;
}
/** ofp_port_stats (A.3.5.5). */
export interface OfpPortStats {
  readonly portNo: number;
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxDropped: bigint;
  readonly txDropped: bigint;
  readonly rxErrors: bigint;
  readonly txErrors: bigint;
  readonly rxFrameErr: bigint;
  readonly rxOverErr: bigint;
  readonly rxCrcErr: bigint;
  readonly collisions: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
}
/** ofp_group_desc (A.3.5.8). */
export interface OfpGroupDesc {
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly OfpBucket[];
}
/** ofp_group_stats (A.3.5.7) with its per-bucket counters. */
export interface OfpGroupStats {
  readonly groupId: number;
  readonly refCount: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bucketStats: readonly { readonly packetCount: bigint; readonly byteCount: bigint }[];
}
/** ofp_meter_config (A.3.5.13). */
export interface OfpMeterConfig {
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly OfpMeterBand[];
}
/** ofp_meter_stats (A.3.5.12) with its per-band counters. */
export interface OfpMeterStats {
  readonly meterId: number;
  readonly flowCount: number;
  readonly packetInCount: bigint;
  readonly byteInCount: bigint;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly bandStats: readonly { readonly packetBandCount: bigint; readonly byteBandCount: bigint }[];
}

interface MpReplyBase extends MpBase {
  readonly type: OfpType.OFPT_MULTIPART_REPLY;
}
export interface MpReplyDesc extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_DESC;
  readonly body: OfpDesc;
}
export interface MpReplyFlow extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_FLOW;
  readonly body: readonly OfpFlowStats[];
}
export interface MpReplyAggregate extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_AGGREGATE;
  readonly body: OfpAggregateStats;
}
export interface MpReplyPortStats extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_PORT_STATS;
  readonly body: readonly OfpPortStats[];
}
export interface MpReplyPortDesc extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_PORT_DESC;
  readonly body: readonly OfpPort[];
}
export interface MpReplyGroup extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_GROUP;
  readonly body: readonly OfpGroupStats[];
}
export interface MpReplyGroupDesc extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_GROUP_DESC;
  readonly body: readonly OfpGroupDesc[];
}
export interface MpReplyMeter extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_METER;
  readonly body: readonly OfpMeterStats[];
}
export interface MpReplyMeterConfig extends MpReplyBase {
  readonly mpType: OfpMultipartType.OFPMP_METER_CONFIG;
  readonly body: readonly OfpMeterConfig[];
}
export type OfpMultipartReply =
  | MpReplyDesc
  | MpReplyFlow
  | MpReplyAggregate
  | MpReplyPortStats
  | MpReplyPortDesc
  | MpReplyGroup
  | MpReplyGroupDesc
  | MpReplyMeter
  | MpReplyMeterConfig
  | (MpRaw & { readonly type: OfpType.OFPT_MULTIPART_REPLY });
