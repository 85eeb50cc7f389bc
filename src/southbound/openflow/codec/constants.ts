// biome-ignore-all lint/suspicious/noConstEnum: house style (STYLE.md) uses const enums for wire constants; tsc inlines them and esbuild-based tools emit them as plain enums, both are correct here.
/**
 * OpenFlow 1.3 wire constants, named as in the specification (OpenFlow Switch Specification 1.3.5,
 * appendix A, "openflow.h"). Values are the on-the-wire numbers.
 */

/** Wire protocol version of OpenFlow 1.3 (A.1). */
export const OFP_VERSION = 0x04;
export const OFP_HEADER_LEN = 8;
/** Largest message: the header length field is 16 bits (A.1). */
export const OFP_MAX_MESSAGE_LEN = 0xffff;
/** buffer_id meaning "no buffered packet" (A.3.4). */
export const OFP_NO_BUFFER = 0xffffffff;
export const OFP_DEFAULT_MISS_SEND_LEN = 128;

/** ofp_type (A.1). */
export const enum OfpType {
  OFPT_HELLO = 0x00,
  OFPT_ERROR = 0x01,
  OFPT_ECHO_REQUEST = 0x02,
  OFPT_ECHO_REPLY = 0x03,
  OFPT_EXPERIMENTER = 0x04,
  OFPT_FEATURES_REQUEST = 0x05,
  OFPT_FEATURES_REPLY = 0x06,
  OFPT_GET_CONFIG_REQUEST = 0x07,
  OFPT_GET_CONFIG_REPLY = 0x08,
  OFPT_SET_CONFIG = 0x09,
  OFPT_PACKET_IN = 0x0a,
  OFPT_FLOW_REMOVED = 0x0b,
  OFPT_PORT_STATUS = 0x0c,
  OFPT_PACKET_OUT = 0x0d,
  OFPT_FLOW_MOD = 0x0e,
  OFPT_GROUP_MOD = 0x0f,
  OFPT_PORT_MOD = 0x10,
  OFPT_TABLE_MOD = 0x11,
  OFPT_MULTIPART_REQUEST = 0x12,
  OFPT_MULTIPART_REPLY = 0x13,
  OFPT_BARRIER_REQUEST = 0x14,
  OFPT_BARRIER_REPLY = 0x15,
  OFPT_QUEUE_GET_CONFIG_REQUEST = 0x16,
  OFPT_QUEUE_GET_CONFIG_REPLY = 0x17,
  OFPT_ROLE_REQUEST = 0x18,
  OFPT_ROLE_REPLY = 0x19,
  OFPT_GET_ASYNC_REQUEST = 0x1a,
  OFPT_GET_ASYNC_REPLY = 0x1b,
  OFPT_SET_ASYNC = 0x1c,
  OFPT_METER_MOD = 0x1d,
}

/** ofp_hello_elem_type (A.5.1). */
export const enum OfpHelloElemType {
  OFPHET_VERSIONBITMAP = 0x0001,
}

/** ofp_port_no: reserved port numbers (A.2.1, section 4.5). */
export const enum OfpPortNo {
  OFPP_MAX = 0xffffff00,
  OFPP_IN_PORT = 0xfffffff8,
  OFPP_TABLE = 0xfffffff9,
  OFPP_NORMAL = 0xfffffffa,
  OFPP_FLOOD = 0xfffffffb,
  OFPP_ALL = 0xfffffffc,
  OFPP_CONTROLLER = 0xfffffffd,
  OFPP_LOCAL = 0xfffffffe,
  OFPP_ANY = 0xffffffff,
}

/** ofp_port_config bits (A.2.1). */
export const enum OfpPortConfig {
  OFPPC_PORT_DOWN = 0x01,
  OFPPC_NO_RECV = 0x04,
  OFPPC_NO_FWD = 0x20,
  OFPPC_NO_PACKET_IN = 0x40,
}

/** ofp_port_state bits (A.2.1). */
export const enum OfpPortState {
  OFPPS_LINK_DOWN = 0x01,
  OFPPS_BLOCKED = 0x02,
  OFPPS_LIVE = 0x04,
}

/** ofp_port_features bits (A.2.1). */
export const enum OfpPortFeatures {
  OFPPF_10MB_HD = 0x0001,
  OFPPF_10MB_FD = 0x0002,
  OFPPF_100MB_HD = 0x0004,
  OFPPF_100MB_FD = 0x0008,
  OFPPF_1GB_HD = 0x0010,
  OFPPF_1GB_FD = 0x0020,
  OFPPF_10GB_FD = 0x0040,
  OFPPF_40GB_FD = 0x0080,
  OFPPF_100GB_FD = 0x0100,
  OFPPF_1TB_FD = 0x0200,
  OFPPF_OTHER = 0x0400,
  OFPPF_COPPER = 0x0800,
  OFPPF_FIBER = 0x1000,
  OFPPF_AUTONEG = 0x2000,
  OFPPF_PAUSE = 0x4000,
  OFPPF_PAUSE_ASYM = 0x8000,
}

/** ofp_port_reason (A.4.3). */
export const enum OfpPortReason {
  OFPPR_ADD = 0x00,
  OFPPR_DELETE = 0x01,
  OFPPR_MODIFY = 0x02,
}

/** ofp_capabilities bits of FEATURES_REPLY (A.3.1). */
export const enum OfpCapabilities {
  OFPC_FLOW_STATS = 0x0001,
  OFPC_TABLE_STATS = 0x0002,
  OFPC_PORT_STATS = 0x0004,
  OFPC_GROUP_STATS = 0x0008,
  OFPC_IP_REASM = 0x0020,
  OFPC_QUEUE_STATS = 0x0040,
  OFPC_PORT_BLOCKED = 0x0100,
}

/** ofp_config_flags of SET_CONFIG / GET_CONFIG_REPLY (A.3.2). */
export const enum OfpConfigFlags {
  OFPC_FRAG_NORMAL = 0x0000,
  OFPC_FRAG_DROP = 0x0001,
  OFPC_FRAG_REASM = 0x0002,
  OFPC_FRAG_MASK = 0x0003,
}

/** ofp_controller_max_len: max_len of an output action to the controller (A.2.5). */
export const enum OfpControllerMaxLen {
  OFPCML_MAX = 0xffe5,
  OFPCML_NO_BUFFER = 0xffff,
}

/** ofp_table: special table ids (A.3.3). */
export const enum OfpTable {
  OFPTT_MAX = 0xfe,
  OFPTT_ALL = 0xff,
}

/** ofp_group: special group ids (A.3.4.2). */
export const enum OfpGroupId {
  OFPG_MAX = 0xffffff00,
  OFPG_ALL = 0xfffffffc,
  OFPG_ANY = 0xffffffff,
}

/** ofp_meter: special meter ids (A.3.4.4). */
export const enum OfpMeterId {
  OFPM_MAX = 0xffff0000,
  OFPM_SLOWPATH = 0xfffffffd,
  OFPM_CONTROLLER = 0xfffffffe,
  OFPM_ALL = 0xffffffff,
}

/** ofp_vlan_id: the OFPVID_PRESENT bit marks a tagged frame in OXM VLAN_VID (A.2.3.7). */
export const enum OfpVlanId {
  OFPVID_NONE = 0x0000,
  OFPVID_PRESENT = 0x1000,
}

/** ofp_match_type (A.2.3.1). */
export const enum OfpMatchType {
  OFPMT_STANDARD = 0x0000,
  OFPMT_OXM = 0x0001,
}

/** ofp_oxm_class (A.2.3.2). */
export const enum OxmClass {
  OFPXMC_NXM_0 = 0x0000,
  OFPXMC_NXM_1 = 0x0001,
  OFPXMC_OPENFLOW_BASIC = 0x8000,
  OFPXMC_EXPERIMENTER = 0xffff,
}

/** oxm_ofb_match_fields: OpenFlow basic match fields (A.2.3.7). */
export const enum OxmOfbField {
  OFPXMT_OFB_IN_PORT = 0,
  OFPXMT_OFB_IN_PHY_PORT = 1,
  OFPXMT_OFB_METADATA = 2,
  OFPXMT_OFB_ETH_DST = 3,
  OFPXMT_OFB_ETH_SRC = 4,
  OFPXMT_OFB_ETH_TYPE = 5,
  OFPXMT_OFB_VLAN_VID = 6,
  OFPXMT_OFB_VLAN_PCP = 7,
  OFPXMT_OFB_IP_DSCP = 8,
  OFPXMT_OFB_IP_ECN = 9,
  OFPXMT_OFB_IP_PROTO = 10,
  OFPXMT_OFB_IPV4_SRC = 11,
  OFPXMT_OFB_IPV4_DST = 12,
  OFPXMT_OFB_TCP_SRC = 13,
  OFPXMT_OFB_TCP_DST = 14,
  OFPXMT_OFB_UDP_SRC = 15,
  OFPXMT_OFB_UDP_DST = 16,
  OFPXMT_OFB_SCTP_SRC = 17,
  OFPXMT_OFB_SCTP_DST = 18,
  OFPXMT_OFB_ICMPV4_TYPE = 19,
  OFPXMT_OFB_ICMPV4_CODE = 20,
  OFPXMT_OFB_ARP_OP = 21,
  OFPXMT_OFB_ARP_SPA = 22,
  OFPXMT_OFB_ARP_TPA = 23,
  OFPXMT_OFB_ARP_SHA = 24,
  OFPXMT_OFB_ARP_THA = 25,
  OFPXMT_OFB_IPV6_SRC = 26,
  OFPXMT_OFB_IPV6_DST = 27,
  OFPXMT_OFB_IPV6_FLABEL = 28,
  OFPXMT_OFB_ICMPV6_TYPE = 29,
  OFPXMT_OFB_ICMPV6_CODE = 30,
  OFPXMT_OFB_IPV6_ND_TARGET = 31,
  OFPXMT_OFB_IPV6_ND_SLL = 32,
  OFPXMT_OFB_IPV6_ND_TLL = 33,
  OFPXMT_OFB_MPLS_LABEL = 34,
  OFPXMT_OFB_MPLS_TC = 35,
  OFPXMT_OFB_MPLS_BOS = 36,
  OFPXMT_OFB_PBB_ISID = 37,
  OFPXMT_OFB_TUNNEL_ID = 38,
  OFPXMT_OFB_IPV6_EXTHDR = 39,
}

/** ofp_instruction_type (A.2.4). */
export const enum OfpInstructionType {
  OFPIT_GOTO_TABLE = 0x0001,
  OFPIT_WRITE_METADATA = 0x0002,
  OFPIT_WRITE_ACTIONS = 0x0003,
  OFPIT_APPLY_ACTIONS = 0x0004,
  OFPIT_CLEAR_ACTIONS = 0x0005,
  OFPIT_METER = 0x0006,
  OFPIT_EXPERIMENTER = 0xffff,
}

/** ofp_action_type (A.2.5). */
export const enum OfpActionType {
  OFPAT_OUTPUT = 0x0000,
  OFPAT_COPY_TTL_OUT = 0x000b,
  OFPAT_COPY_TTL_IN = 0x000c,
  OFPAT_SET_MPLS_TTL = 0x000f,
  OFPAT_DEC_MPLS_TTL = 0x0010,
  OFPAT_PUSH_VLAN = 0x0011,
  OFPAT_POP_VLAN = 0x0012,
  OFPAT_PUSH_MPLS = 0x0013,
  OFPAT_POP_MPLS = 0x0014,
  OFPAT_SET_QUEUE = 0x0015,
  OFPAT_GROUP = 0x0016,
  OFPAT_SET_NW_TTL = 0x0017,
  OFPAT_DEC_NW_TTL = 0x0018,
  OFPAT_SET_FIELD = 0x0019,
  OFPAT_PUSH_PBB = 0x001a,
  OFPAT_POP_PBB = 0x001b,
  OFPAT_EXPERIMENTER = 0xffff,
}

/** ofp_flow_mod_command (A.3.4.1). */
export const enum OfpFlowModCommand {
  OFPFC_ADD = 0x00,
  OFPFC_MODIFY = 0x01,
  OFPFC_MODIFY_STRICT = 0x02,
  OFPFC_DELETE = 0x03,
  OFPFC_DELETE_STRICT = 0x04,
}

/** ofp_flow_mod_flags (A.3.4.1). */
export const enum OfpFlowModFlags {
  OFPFF_SEND_FLOW_REM = 0x0001,
  OFPFF_CHECK_OVERLAP = 0x0002,
  OFPFF_RESET_COUNTS = 0x0004,
  OFPFF_NO_PKT_COUNTS = 0x0008,
  OFPFF_NO_BYT_COUNTS = 0x0010,
}

/** ofp_group_mod_command (A.3.4.2). */
export const enum OfpGroupModCommand {
  OFPGC_ADD = 0x0000,
  OFPGC_MODIFY = 0x0001,
  OFPGC_DELETE = 0x0002,
}

/** ofp_group_type (A.3.4.2). */
export const enum OfpGroupType {
  OFPGT_ALL = 0x00,
  OFPGT_SELECT = 0x01,
  OFPGT_INDIRECT = 0x02,
  OFPGT_FF = 0x03,
}

/** ofp_meter_mod_command (A.3.4.4). */
export const enum OfpMeterModCommand {
  OFPMC_ADD = 0x0000,
  OFPMC_MODIFY = 0x0001,
  OFPMC_DELETE = 0x0002,
}

/** ofp_meter_flags (A.3.4.4). */
export const enum OfpMeterFlags {
  OFPMF_KBPS = 0x0001,
  OFPMF_PKTPS = 0x0002,
  OFPMF_BURST = 0x0004,
  OFPMF_STATS = 0x0008,
}

/** ofp_meter_band_type (A.3.4.4). */
export const enum OfpMeterBandType {
  OFPMBT_DROP = 0x0001,
  OFPMBT_DSCP_REMARK = 0x0002,
  OFPMBT_EXPERIMENTER = 0xffff,
}

/** ofp_packet_in_reason (A.4.1). */
export const enum OfpPacketInReason {
  OFPR_NO_MATCH = 0x00,
  OFPR_ACTION = 0x01,
  OFPR_INVALID_TTL = 0x02,
}

/** ofp_flow_removed_reason (A.4.2). */
export const enum OfpFlowRemovedReason {
  OFPRR_IDLE_TIMEOUT = 0x00,
  OFPRR_HARD_TIMEOUT = 0x01,
  OFPRR_DELETE = 0x02,
  OFPRR_GROUP_DELETE = 0x03,
}

/** ofp_multipart_type (A.3.5). */
export const enum OfpMultipartType {
  OFPMP_DESC = 0x0000,
  OFPMP_FLOW = 0x0001,
  OFPMP_AGGREGATE = 0x0002,
  OFPMP_TABLE = 0x0003,
  OFPMP_PORT_STATS = 0x0004,
  OFPMP_QUEUE = 0x0005,
  OFPMP_GROUP = 0x0006,
  OFPMP_GROUP_DESC = 0x0007,
  OFPMP_GROUP_FEATURES = 0x0008,
  OFPMP_METER = 0x0009,
  OFPMP_METER_CONFIG = 0x000a,
  OFPMP_METER_FEATURES = 0x000b,
  OFPMP_TABLE_FEATURES = 0x000c,
  OFPMP_PORT_DESC = 0x000d,
  OFPMP_EXPERIMENTER = 0xffff,
}

/** ofp_multipart_request_flags (A.3.5). */
export const enum OfpMultipartRequestFlags {
  OFPMPF_REQ_MORE = 0x0001,
}

/** ofp_multipart_reply_flags (A.3.5): more replies with this xid follow. */
export const enum OfpMultipartReplyFlags {
  OFPMPF_REPLY_MORE = 0x0001,
}

/** ofp_controller_role (A.3.9). */
export const enum OfpControllerRole {
  OFPCR_ROLE_NOCHANGE = 0x00000000,
  OFPCR_ROLE_EQUAL = 0x00000001,
  OFPCR_ROLE_MASTER = 0x00000002,
  OFPCR_ROLE_SLAVE = 0x00000003,
}

/** ofp_error_type (A.4.4). Codes per type are named in error-names.ts. */
export const enum OfpErrorType {
  OFPET_HELLO_FAILED = 0x0000,
  OFPET_BAD_REQUEST = 0x0001,
  OFPET_BAD_ACTION = 0x0002,
  OFPET_BAD_INSTRUCTION = 0x0003,
  OFPET_BAD_MATCH = 0x0004,
  OFPET_FLOW_MOD_FAILED = 0x0005,
  OFPET_GROUP_MOD_FAILED = 0x0006,
  OFPET_PORT_MOD_FAILED = 0x0007,
  OFPET_TABLE_MOD_FAILED = 0x0008,
  OFPET_QUEUE_OP_FAILED = 0x0009,
  OFPET_SWITCH_CONFIG_FAILED = 0x000a,
  OFPET_ROLE_REQUEST_FAILED = 0x000b,
  OFPET_METER_MOD_FAILED = 0x000c,
  OFPET_TABLE_FEATURES_FAILED = 0x000d,
  OFPET_EXPERIMENTER = 0xffff,
}
