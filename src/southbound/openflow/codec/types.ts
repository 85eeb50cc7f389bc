/**
 * Typed OpenFlow 1.3 messages: what encodeMessage takes and decodeMessage returns. Field names follow
 * the spec's struct members in camelCase; numbers are the raw wire values (flags as bit sets, reserved
 * ports and ids as their numbers). Every uint64 (datapath id, cookie, counters, metadata) is a bigint.
 *
 * Items the codec does not model (unknown or experimenter OXM fields, actions, instructions, meter
 * bands, hello elements, message and multipart types) are kept as their exact bytes, discriminated by
 * `'raw'`, so they round-trip unchanged.
 */
import type {
  OfpActionType,
  OfpHelloElemType,
  OfpInstructionType,
  OfpMeterBandType,
  OfpMultipartType,
  OfpType,
  OxmOfbField,
} from './constants.js';

export * from './constants.js';

// ---------------------------------------------------------------------------------------------------
// OXM match fields (A.2.3)

/** Fields whose value is an unsigned integer of at most 32 bits. */
export type OxmNumericField =
  | OxmOfbField.OFPXMT_OFB_IN_PORT
  | OxmOfbField.OFPXMT_OFB_IN_PHY_PORT
  | OxmOfbField.OFPXMT_OFB_ETH_TYPE
  | OxmOfbField.OFPXMT_OFB_VLAN_VID
  | OxmOfbField.OFPXMT_OFB_VLAN_PCP
  | OxmOfbField.OFPXMT_OFB_IP_DSCP
  | OxmOfbField.OFPXMT_OFB_IP_ECN
  | OxmOfbField.OFPXMT_OFB_IP_PROTO
  | OxmOfbField.OFPXMT_OFB_TCP_SRC
  | OxmOfbField.OFPXMT_OFB_TCP_DST
  | OxmOfbField.OFPXMT_OFB_UDP_SRC
  | OxmOfbField.OFPXMT_OFB_UDP_DST
  | OxmOfbField.OFPXMT_OFB_SCTP_SRC
  | OxmOfbField.OFPXMT_OFB_SCTP_DST
  | OxmOfbField.OFPXMT_OFB_ICMPV4_TYPE
  | OxmOfbField.OFPXMT_OFB_ICMPV4_CODE
  | OxmOfbField.OFPXMT_OFB_ARP_OP
  | OxmOfbField.OFPXMT_OFB_IPV6_FLABEL
  | OxmOfbField.OFPXMT_OFB_ICMPV6_TYPE
  | OxmOfbField.OFPXMT_OFB_ICMPV6_CODE
  | OxmOfbField.OFPXMT_OFB_MPLS_LABEL
  | OxmOfbField.OFPXMT_OFB_MPLS_TC
  | OxmOfbField.OFPXMT_OFB_MPLS_BOS
  | OxmOfbField.OFPXMT_OFB_PBB_ISID
  | OxmOfbField.OFPXMT_OFB_IPV6_EXTHDR;

/** Fields holding a 48-bit MAC address, written "aa:bb:cc:dd:ee:ff" (lower case). */
export type OxmMacField =
  | OxmOfbField.OFPXMT_OFB_ETH_DST
  | OxmOfbField.OFPXMT_OFB_ETH_SRC
  | OxmOfbField.OFPXMT_OFB_ARP_SHA
  | OxmOfbField.OFPXMT_OFB_ARP_THA
  | OxmOfbField.OFPXMT_OFB_IPV6_ND_SLL
  | OxmOfbField.OFPXMT_OFB_IPV6_ND_TLL;

/** Fields holding an IPv4 address, written dotted-quad. */
export type OxmIpv4Field =
  | OxmOfbField.OFPXMT_OFB_IPV4_SRC
  | OxmOfbField.OFPXMT_OFB_IPV4_DST
  | OxmOfbField.OFPXMT_OFB_ARP_SPA
  | OxmOfbField.OFPXMT_OFB_ARP_TPA;

/** Fields holding an IPv6 address; decoded in RFC 5952 canonical text, any valid text accepted. */
export type OxmIpv6Field =
  | OxmOfbField.OFPXMT_OFB_IPV6_SRC
  | OxmOfbField.OFPXMT_OFB_IPV6_DST
  | OxmOfbField.OFPXMT_OFB_IPV6_ND_TARGET;

/** 64-bit fields. */
export type OxmBigintField = OxmOfbField.OFPXMT_OFB_METADATA | OxmOfbField.OFPXMT_OFB_TUNNEL_ID;

/** A mask, when present, makes the TLV OXM_HASMASK; a 1 bit means "must match" (7.2.3.5). */
export interface OxmNumeric {
  readonly field: OxmNumericField;
  readonly value: number;
  readonly mask?: number;
}
export interface OxmMac {
  readonly field: OxmMacField;
  readonly value: string;
  readonly mask?: string;
}
export interface OxmIpv4 {
  readonly field: OxmIpv4Field;
  readonly value: string;
  readonly mask?: string;
}
export interface OxmIpv6 {
  readonly field: OxmIpv6Field;
  readonly value: string;
  readonly mask?: string;
}
export interface OxmBigint {
  readonly field: OxmBigintField;
  readonly value: bigint;
  readonly mask?: bigint;
}
/** An OXM TLV the codec does not model (other classes, experimenter, unknown fields): exact bytes. */
export interface OxmRaw {
  readonly field: 'raw';
  readonly oxmClass: number;
  readonly oxmField: number;
  readonly hasMask: boolean;
  /** The whole TLV, 4-byte header included. */
  readonly bytes: Buffer;
}
export type OxmTlv = OxmNumeric | OxmMac | OxmIpv4 | OxmIpv6 | OxmBigint | OxmRaw;

/** An OXM match (ofp_match with type OFPMT_OXM) as its ordered list of TLVs; [] matches everything. */
export type OfpMatch = readonly OxmTlv[];

// ---------------------------------------------------------------------------------------------------
// Actions (A.2.5)

export interface ActionOutput {
  readonly type: OfpActionType.OFPAT_OUTPUT;
  readonly port: number;
  /** Bytes of the packet sent to the controller (OFPCML_NO_BUFFER = whole packet). */
  readonly maxLen: number;
}
export interface ActionNoArgs {
  readonly type:
    | OfpActionType.OFPAT_COPY_TTL_OUT
    | OfpActionType.OFPAT_COPY_TTL_IN
    | OfpActionType.OFPAT_DEC_MPLS_TTL
    | OfpActionType.OFPAT_POP_VLAN
    | OfpActionType.OFPAT_DEC_NW_TTL
    | OfpActionType.OFPAT_POP_PBB;
}
export interface ActionSetMplsTtl {
  readonly type: OfpActionType.OFPAT_SET_MPLS_TTL;
  readonly mplsTtl: number;
}
export interface ActionSetNwTtl {
  readonly type: OfpActionType.OFPAT_SET_NW_TTL;
  readonly nwTtl: number;
}
/** Push VLAN / MPLS / PBB and pop MPLS carry an ethertype (A.2.5: ofp_action_push, ofp_action_pop_mpls). */
export interface ActionEthertype {
  readonly type:
    | OfpActionType.OFPAT_PUSH_VLAN
    | OfpActionType.OFPAT_PUSH_MPLS
    | OfpActionType.OFPAT_POP_MPLS
    | OfpActionType.OFPAT_PUSH_PBB;
  readonly ethertype: number;
}
export interface ActionSetQueue {
  readonly type: OfpActionType.OFPAT_SET_QUEUE;
  readonly queueId: number;
}
export interface ActionGroup {
  readonly type: OfpActionType.OFPAT_GROUP;
  readonly groupId: number;
}
export interface ActionSetField {
  readonly type: OfpActionType.OFPAT_SET_FIELD;
  /** The field and new value; a mask is not allowed here (A.2.5). */
  readonly field: OxmTlv;
}
/** An experimenter or unknown action: exact bytes including the 4-byte header. */
export interface ActionRaw {
  readonly type: 'raw';
  readonly actionType: number;
  readonly bytes: Buffer;
}
export type OfpAction =
  | ActionOutput
  | ActionNoArgs
  | ActionSetMplsTtl
  | ActionSetNwTtl
  | ActionEthertype
  | ActionSetQueue
  | ActionGroup
  | ActionSetField
  | ActionRaw;

// ---------------------------------------------------------------------------------------------------
// Instructions (A.2.4)

export interface InstructionGotoTable {
  readonly type: OfpInstructionType.OFPIT_GOTO_TABLE;
  readonly tableId: number;
}
export interface InstructionWriteMetadata {
  readonly type: OfpInstructionType.OFPIT_WRITE_METADATA;
  readonly metadata: bigint;
  readonly metadataMask: bigint;
}
export interface InstructionActions {
  readonly type: OfpInstructionType.OFPIT_WRITE_ACTIONS | OfpInstructionType.OFPIT_APPLY_ACTIONS;
  readonly actions: readonly OfpAction[];
}
export interface InstructionClearActions {
  readonly type: OfpInstructionType.OFPIT_CLEAR_ACTIONS;
}
export interface InstructionMeter {
  readonly type: OfpInstructionType.OFPIT_METER;
  readonly meterId: number;
}
export interface InstructionRaw {
  readonly type: 'raw';
  readonly instructionType: number;
  readonly bytes: Buffer;
}
export type OfpInstruction =
  | InstructionGotoTable
  | InstructionWriteMetadata
  | InstructionActions
  | InstructionClearActions
  | InstructionMeter
  | InstructionRaw;

// ---------------------------------------------------------------------------------------------------
// Structures shared by several messages

/** ofp_port (A.2.1). */
export interface OfpPort {
  readonly portNo: number;
  readonly hwAddr: string;
  /** Up to 15 characters (OFP_MAX_PORT_NAME_LEN 16 with the NUL). */
  readonly name: string;
  readonly config: number;
  readonly state: number;
  readonly curr: number;
  readonly advertised: number;
  readonly supported: number;
  readonly peer: number;
  readonly currSpeedKbps: number;
  readonly maxSpeedKbps: number;
}

/** ofp_bucket (A.3.4.2). */
export interface OfpBucket {
  readonly weight: number;
  readonly watchPort: number;
  readonly watchGroup: number;
  readonly actions: readonly OfpAction[];
}

export interface MeterBandDrop {
  readonly type: OfpMeterBandType.OFPMBT_DROP;
  readonly rate: number;
  readonly burstSize: number;
}
export interface MeterBandDscpRemark {
  readonly type: OfpMeterBandType.OFPMBT_DSCP_REMARK;
  readonly rate: number;
  readonly burstSize: number;
  readonly precLevel: number;
}
/** Experimenter or unknown band: exact bytes including the 12-byte band header. */
export interface MeterBandRaw {
  readonly type: 'raw';
  readonly bandType: number;
  readonly bytes: Buffer;
}
export type OfpMeterBand = MeterBandDrop | MeterBandDscpRemark | MeterBandRaw;

export interface HelloElemVersionBitmap {
  readonly type: OfpHelloElemType.OFPHET_VERSIONBITMAP;
  /** The bitmap as 32-bit words, word 0 first (bit n of word 0 = version n) (A.5.1). */
  readonly bitmaps: readonly number[];
}
export interface HelloElemRaw {
  readonly type: 'raw';
  readonly elemType: number;
  readonly bytes: Buffer;
}
export type OfpHelloElem = HelloElemVersionBitmap | HelloElemRaw;

// ---------------------------------------------------------------------------------------------------
// Messages

interface Base {
  /** Transaction id; replies echo the request's. */
  readonly xid: number;
}

export interface OfpHello extends Base {
  readonly type: OfpType.OFPT_HELLO;
  /** Header version; HELLO is the one message decoded whatever its version (6.3.1). Default 0x04. */
  readonly version?: number;
  readonly elements: readonly OfpHelloElem[];
}
export interface OfpError extends Base {
  readonly type: OfpType.OFPT_ERROR;
  /** Header version; kept because a switch may answer a bad HELLO in its own version. Default 0x04. */
  readonly version?: number;
  readonly errType: number;
  readonly code: number;
  /** For OFPET_EXPERIMENTER (ofp_error_experimenter_msg): the code field is exp_type. */
  readonly experimenter?: number;
  /** Usually the first bytes of the offending request. */
  readonly data: Buffer;
}
export interface OfpEcho extends Base {
  readonly type: OfpType.OFPT_ECHO_REQUEST | OfpType.OFPT_ECHO_REPLY;
  readonly data: Buffer;
}
export interface OfpExperimenter extends Base {
  readonly type: OfpType.OFPT_EXPERIMENTER;
  readonly experimenter: number;
  readonly expType: number;
  readonly data: Buffer;
}
/** Messages that are a bare header. */
export interface OfpHeaderOnly extends Base {
  readonly type:
    | OfpType.OFPT_FEATURES_REQUEST
    | OfpType.OFPT_GET_CONFIG_REQUEST
    | OfpType.OFPT_BARRIER_REQUEST
    | OfpType.OFPT_BARRIER_REPLY
    | OfpType.OFPT_GET_ASYNC_REQUEST;
}
export interface OfpFeaturesReply extends Base {
  readonly type: OfpType.OFPT_FEATURES_REPLY;
  readonly datapathId: bigint;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly auxiliaryId: number;
  readonly capabilities: number;
  readonly reserved: number;
}
export interface OfpSwitchConfig extends Base {
  readonly type: OfpType.OFPT_GET_CONFIG_REPLY | OfpType.OFPT_SET_CONFIG;
  readonly flags: number;
  readonly missSendLen: number;
}
export interface OfpPacketIn extends Base {
  readonly type: OfpType.OFPT_PACKET_IN;
  readonly bufferId: number;
  readonly totalLen: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly match: OfpMatch;
  readonly data: Buffer;
}
export interface OfpFlowRemoved extends Base {
  readonly type: OfpType.OFPT_FLOW_REMOVED;
  readonly cookie: bigint;
  readonly priority: number;
  readonly reason: number;
  readonly tableId: number;
  readonly durationSec: number;
  readonly durationNsec: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly packetCount: bigint;
  readonly byteCount: bigint;
  readonly match: OfpMatch;
}
export interface OfpPortStatus extends Base {
  readonly type: OfpType.OFPT_PORT_STATUS;
  readonly reason: number;
  readonly desc: OfpPort;
}
export interface OfpPacketOut extends Base {
  readonly type: OfpType.OFPT_PACKET_OUT;
  readonly bufferId: number;
  readonly inPort: number;
  readonly actions: readonly OfpAction[];
  readonly data: Buffer;
}
export interface OfpFlowMod extends Base {
  readonly type: OfpType.OFPT_FLOW_MOD;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly tableId: number;
  readonly command: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly priority: number;
  readonly bufferId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly flags: number;
  readonly match: OfpMatch;
  readonly instructions: readonly OfpInstruction[];
}
export interface OfpGroupMod extends Base {
  readonly type: OfpType.OFPT_GROUP_MOD;
  readonly command: number;
  readonly groupType: number;
  readonly groupId: number;
  readonly buckets: readonly OfpBucket[];
}
export interface OfpPortMod extends Base {
  readonly type: OfpType.OFPT_PORT_MOD;
  readonly portNo: number;
  readonly hwAddr: string;
  readonly config: number;
  readonly mask: number;
  readonly advertise: number;
}
export interface OfpTableMod extends Base {
  readonly type: OfpType.OFPT_TABLE_MOD;
  readonly tableId: number;
  readonly config: number;
}
export interface OfpRole extends Base {
  readonly type: OfpType.OFPT_ROLE_REQUEST | OfpType.OFPT_ROLE_REPLY;
  readonly role: number;
  readonly generationId: bigint;
}
/** GET_ASYNC_REPLY and SET_ASYNC: [master/equal, slave] bit masks per kind (A.3.10). */
export interface OfpAsyncConfig extends Base {
  readonly type: OfpType.OFPT_GET_ASYNC_REPLY | OfpType.OFPT_SET_ASYNC;
  readonly packetInMask: readonly [number, number];
  readonly portStatusMask: readonly [number, number];
  readonly flowRemovedMask: readonly [number, number];
}
export interface OfpMeterMod extends Base {
  readonly type: OfpType.OFPT_METER_MOD;
  readonly command: number;
  readonly flags: number;
  readonly meterId: number;
  readonly bands: readonly OfpMeterBand[];
}
/** A message of a type the codec does not model (e.g. queue config): exact bytes, header included. */
export interface OfpRawMessage extends Base {
  readonly type: 'raw';
  readonly msgType: number;
  readonly bytes: Buffer;
}

// ---------------------------------------------------------------------------------------------------
// Multipart (A.3.5)

export interface FlowStatsRequestBody {
  readonly tableId: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: OfpMatch;
}
interface MpBase extends Base {
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

export type OfpMessage =
  | OfpHello
  | OfpError
  | OfpEcho
  | OfpExperimenter
  | OfpHeaderOnly
  | OfpFeaturesReply
  | OfpSwitchConfig
  | OfpPacketIn
  | OfpFlowRemoved
  | OfpPortStatus
  | OfpPacketOut
  | OfpFlowMod
  | OfpGroupMod
  | OfpPortMod
  | OfpTableMod
  | OfpMultipartRequest
  | OfpMultipartReply
  | OfpRole
  | OfpAsyncConfig
  | OfpMeterMod
  | OfpRawMessage;
