/**
 * TypeScript shapes of the P4Runtime messages the client, driver and test server exchange, in the
 * object form p4runtime-proto.ts produces (lowerCamelCase, 64-bit integers as decimal strings, bytes
 * as Buffer, unset fields absent, oneof members named by a virtual property). Only fields sdnc reads
 * or writes are typed; the protos themselves are complete.
 */

/** Update.Type (p4runtime.proto). */
export enum UpdateType {
  UNSPECIFIED = 0,
  INSERT = 1,
  MODIFY = 2,
  DELETE = 3,
}

/** WriteRequest.Atomicity. */
export enum Atomicity {
  CONTINUE_ON_ERROR = 0,
  ROLLBACK_ON_ERROR = 1,
  DATAPLANE_ATOMIC = 2,
}

/** SetForwardingPipelineConfigRequest.Action. */
export enum PipelineAction {
  UNSPECIFIED = 0,
  VERIFY = 1,
  VERIFY_AND_SAVE = 2,
  VERIFY_AND_COMMIT = 3,
  COMMIT = 4,
  RECONCILE_AND_COMMIT = 5,
}

/** GetForwardingPipelineConfigRequest.ResponseType. */
export enum PipelineResponseType {
  ALL = 0,
  COOKIE_ONLY = 1,
  P4INFO_AND_COOKIE = 2,
  DEVICE_CONFIG_AND_COOKIE = 3,
}

/** p4info MatchField.MatchType. */
export enum MatchType {
  UNSPECIFIED = 0,
  EXACT = 2,
  LPM = 3,
  TERNARY = 4,
  RANGE = 5,
  OPTIONAL = 6,
}

export interface Uint128 {
  readonly high?: string;
  readonly low?: string;
}

export interface RpcStatus {
  readonly code?: number;
  readonly message?: string;
  /** google.protobuf.Any as protobufjs bundles it: its field names stay snake_case. */
  readonly details?: readonly { readonly type_url?: string; readonly value?: Buffer }[];
}

export interface FieldMatch {
  readonly fieldId: number;
  readonly exact?: { readonly value?: Buffer };
  readonly ternary?: { readonly value?: Buffer; readonly mask?: Buffer };
  readonly lpm?: { readonly value?: Buffer; readonly prefixLen?: number };
  readonly range?: { readonly low?: Buffer; readonly high?: Buffer };
  readonly optional?: { readonly value?: Buffer };
  readonly fieldMatchType?: string;
}

export interface ActionParam {
  readonly paramId: number;
  readonly value?: Buffer;
}

export interface P4Action {
  readonly actionId: number;
  readonly params?: readonly ActionParam[];
}

export interface TableAction {
  readonly action?: P4Action;
  readonly actionProfileMemberId?: number;
  readonly actionProfileGroupId?: number;
  readonly type?: string;
}

export interface MeterConfig {
  readonly cir?: string;
  readonly cburst?: string;
  readonly pir?: string;
  readonly pburst?: string;
}

export interface TableEntry {
  readonly tableId: number;
  readonly match?: readonly FieldMatch[];
  readonly action?: TableAction;
  readonly priority?: number;
  readonly isDefaultAction?: boolean;
  readonly metadata?: Buffer;
  readonly meterConfig?: MeterConfig;
}

export interface ActionProfileMember {
  readonly actionProfileId: number;
  readonly memberId: number;
  readonly action?: P4Action;
}

export interface ActionProfileGroupMember {
  readonly memberId: number;
  readonly weight?: number;
  readonly watchPort?: Buffer;
  readonly watch?: number;
}

export interface ActionProfileGroup {
  readonly actionProfileId: number;
  readonly groupId: number;
  readonly members?: readonly ActionProfileGroupMember[];
  readonly maxSize?: number;
}

export interface MeterEntryMessage {
  readonly meterId: number;
  readonly index?: { readonly index?: string };
  readonly config?: MeterConfig;
}

export interface Entity {
  readonly tableEntry?: TableEntry;
  readonly actionProfileMember?: ActionProfileMember;
  readonly actionProfileGroup?: ActionProfileGroup;
  readonly meterEntry?: MeterEntryMessage;
  readonly entity?: string;
}

export interface Update {
  readonly type: UpdateType;
  readonly entity: Entity;
}

export interface WriteRequest {
  readonly deviceId: string;
  readonly role?: string;
  readonly electionId?: Uint128;
  readonly updates: readonly Update[];
  readonly atomicity?: Atomicity;
}

export interface ReadRequest {
  readonly deviceId: string;
  readonly role?: string;
  readonly entities: readonly Entity[];
}

export interface ReadResponse {
  readonly entities?: readonly Entity[];
}

/** p4.v1.Error: one per update in a failed Write's google.rpc.Status details. */
export interface P4Error {
  readonly canonicalCode?: number;
  readonly message?: string;
  readonly space?: string;
  readonly code?: number;
}

export interface PacketMetadata {
  readonly metadataId: number;
  readonly value?: Buffer;
}

export interface PacketOut {
  readonly payload?: Buffer;
  readonly metadata?: readonly PacketMetadata[];
}

export type PacketIn = PacketOut;

export interface MasterArbitrationUpdate {
  readonly deviceId?: string;
  readonly role?: { readonly name?: string };
  readonly electionId?: Uint128;
  readonly status?: RpcStatus;
}

export interface StreamError {
  readonly canonicalCode?: number;
  readonly message?: string;
}

export interface StreamMessageRequest {
  readonly arbitration?: MasterArbitrationUpdate;
  readonly packet?: PacketOut;
  readonly update?: string;
}

export interface StreamMessageResponse {
  readonly arbitration?: MasterArbitrationUpdate;
  readonly packet?: PacketIn;
  readonly error?: StreamError;
  readonly update?: string;
}

export interface Preamble {
  readonly id: number;
  readonly name?: string;
  readonly alias?: string;
  readonly annotations?: readonly string[];
}

export interface P4InfoMatchField {
  readonly id: number;
  readonly name?: string;
  readonly bitwidth?: number;
  readonly matchType?: MatchType;
}

export interface P4InfoTable {
  readonly preamble: Preamble;
  readonly matchFields?: readonly P4InfoMatchField[];
  readonly actionRefs?: readonly { readonly id: number; readonly scope?: number }[];
  readonly constDefaultActionId?: number;
  readonly implementationId?: number;
  readonly directResourceIds?: readonly number[];
  readonly size?: string;
}

export interface P4InfoAction {
  readonly preamble: Preamble;
  readonly params?: readonly { readonly id: number; readonly name?: string; readonly bitwidth?: number }[];
}

export interface P4InfoActionProfile {
  readonly preamble: Preamble;
  readonly tableIds?: readonly number[];
  readonly withSelector?: boolean;
  readonly size?: string;
  readonly maxGroupSize?: number;
}

export interface P4InfoMeter {
  readonly preamble: Preamble;
  readonly spec?: { readonly unit?: number };
  readonly size?: string;
}

export interface P4InfoControllerPacketMetadata {
  readonly preamble: Preamble;
  readonly metadata?: readonly { readonly id: number; readonly name?: string; readonly bitwidth?: number }[];
}

export interface P4Info {
  readonly pkgInfo?: { readonly name?: string; readonly version?: string; readonly arch?: string };
  readonly tables?: readonly P4InfoTable[];
  readonly actions?: readonly P4InfoAction[];
  readonly actionProfiles?: readonly P4InfoActionProfile[];
  readonly meters?: readonly P4InfoMeter[];
  readonly controllerPacketMetadata?: readonly P4InfoControllerPacketMetadata[];
}

export interface ForwardingPipelineConfig {
  readonly p4info?: P4Info;
  readonly p4DeviceConfig?: Buffer;
  readonly cookie?: { readonly cookie?: string };
}
