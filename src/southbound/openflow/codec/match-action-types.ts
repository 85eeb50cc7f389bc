/**
 * Typed OXM match fields (A.2.3), actions (A.2.5) and instructions (A.2.4). Items the codec does not
 * model are kept as their exact bytes, discriminated by `'raw'`.
 */
import type { OfpActionType, OfpInstructionType, OxmOfbField } from './constants.js';

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
