/**
 * Typed OpenFlow 1.3 messages: what encodeMessage takes and decodeMessage returns. Field names follow
 * the spec's struct members in camelCase; numbers are the raw wire values (flags as bit sets, reserved
 * ports and ids as their numbers). Every uint64 (datapath id, cookie, counters, metadata) is a bigint.
 *
 * Items the codec does not model (unknown or experimenter OXM fields, actions, instructions, meter
 * bands, hello elements, message and multipart types) are kept as their exact bytes, discriminated by
 * `'raw'`, so they round-trip unchanged.
 */
import type { OfpHelloElemType, OfpMeterBandType, OfpType } from './constants.js';
import type { OfpAction, OfpInstruction, OfpMatch } from './match-action-types.js';
import type { OfpMultipartReply, OfpMultipartRequest } from './multipart-types.js';

export * from './constants.js';
export * from './match-action-types.js';
export * from './multipart-types.js';

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
