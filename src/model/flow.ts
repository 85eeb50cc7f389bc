/**
 * Device-independent forwarding state: what the intent layer asks for and what a Driver installs and
 * reports back. Plain values; drivers translate them to OpenFlow 1.3 or P4Runtime.
 *
 * A device is named by its datapath id (16 lower-case hex digits), the identity switches report
 * themselves; the flow service maps topology nodes to datapath ids.
 */

export interface FlowMatch {
  readonly inPort?: number;
  readonly ethSrc?: string;
  readonly ethDst?: string;
  readonly ethType?: number;
  /** 12-bit VLAN id of a tagged frame (the OFPVID_PRESENT bit is the driver's business). */
  readonly vlanVid?: number;
  readonly mplsLabel?: number;
  readonly ipProto?: number;
  /** CIDR prefixes, e.g. "10.0.1.0/24". */
  readonly ipv4Src?: string;
  readonly ipv4Dst?: string;
  readonly ipv6Src?: string;
  readonly ipv6Dst?: string;
  readonly tcpSrc?: number;
  readonly tcpDst?: number;
  readonly udpSrc?: number;
  readonly udpDst?: number;
  readonly arpOp?: number;
  readonly arpSpa?: string;
  readonly arpTpa?: string;
}

/** Reserved output ports, named as in OpenFlow 1.3 section 7.2.1. */
export type ReservedPort = 'controller' | 'in-port' | 'flood' | 'all' | 'local';

export type FlowAction =
  | { readonly type: 'output'; readonly port: number | ReservedPort }
  | { readonly type: 'group'; readonly groupId: number }
  | { readonly type: 'push-vlan'; readonly ethType?: number }
  | { readonly type: 'pop-vlan' }
  | { readonly type: 'set-vlan-vid'; readonly vid: number }
  | { readonly type: 'push-mpls'; readonly ethType?: number }
  | { readonly type: 'pop-mpls'; readonly ethType: number }
  | { readonly type: 'set-mpls-label'; readonly label: number }
  | { readonly type: 'set-eth-src'; readonly mac: string }
  | { readonly type: 'set-eth-dst'; readonly mac: string }
  | { readonly type: 'set-queue'; readonly queueId: number }
  | { readonly type: 'dec-ttl' };

export interface FlowRule {
  /** Datapath id of the device. */
  readonly device: string;
  readonly tableId: number;
  readonly priority: number;
  readonly match: FlowMatch;
  /** Applied in order (OpenFlow apply-actions). An empty list drops. */
  readonly actions: readonly FlowAction[];
  /** Meter applied before the actions (bandwidth policing at ingress). */
  readonly meterId?: number;
  /** Ties the rule to its owner (an intent); a safe integer. 0 = controller infrastructure rules. */
  readonly cookie: number;
  readonly idleTimeoutS?: number;
  readonly hardTimeoutS?: number;
}

export type GroupType = 'all' | 'select' | 'indirect' | 'fast-failover';

export interface GroupBucket {
  /** Fast-failover: the bucket is live while this port is up. */
  readonly watchPort?: number;
  readonly watchGroup?: number;
  /** Select groups. */
  readonly weight?: number;
  readonly actions: readonly FlowAction[];
}

export interface GroupEntry {
  readonly device: string;
  readonly groupId: number;
  readonly type: GroupType;
  readonly buckets: readonly GroupBucket[];
}

export interface MeterEntry {
  readonly device: string;
  readonly meterId: number;
  /** Drop band rate. */
  readonly rateKbps: number;
  readonly burstKbits: number;
}

/** Everything the controller wants on (or read back from) one device. */
export interface DeviceState {
  readonly flows: readonly FlowRule[];
  readonly groups: readonly GroupEntry[];
  readonly meters: readonly MeterEntry[];
}

/** One convergence step for one device. Order of application: meters and groups added before flows
 * that use them, flows deleted before the groups and meters they used. */
export interface DeviceBatch {
  readonly addMeters: readonly MeterEntry[];
  readonly modifyMeters: readonly MeterEntry[];
  readonly addGroups: readonly GroupEntry[];
  readonly modifyGroups: readonly GroupEntry[];
  readonly addFlows: readonly FlowRule[];
  readonly modifyFlows: readonly FlowRule[];
  readonly deleteFlows: readonly FlowRule[];
  readonly deleteGroups: readonly GroupEntry[];
  readonly deleteMeters: readonly MeterEntry[];
}
