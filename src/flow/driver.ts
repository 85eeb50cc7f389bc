import type { DeviceBatch, DeviceState, FlowMatch, FlowRule } from '../model/flow.js';

export interface PortInfo {
  readonly number: number;
  readonly name: string;
  readonly mac: string;
  readonly up: boolean;
}

export type DriverEvent =
  | { readonly type: 'device-connected'; readonly device: string; readonly ports: readonly PortInfo[] }
  | { readonly type: 'device-disconnected'; readonly device: string; readonly reason: string }
  | {
      readonly type: 'port-status';
      readonly device: string;
      readonly port: PortInfo;
      readonly reason: 'add' | 'delete' | 'modify';
    }
  | {
      readonly type: 'packet-in';
      readonly device: string;
      readonly inPort: number;
      readonly frame: Buffer;
      readonly cookie?: number;
    }
  | FlowRemovedEvent;

/** Why a device removed a flow entry (OpenFlow 1.3 ofp_flow_removed_reason, A.4.2; meter-delete from 1.4). */
export type FlowRemovedReason = 'idle-timeout' | 'hard-timeout' | 'delete' | 'group-delete' | 'meter-delete' | 'other';

/**
 * A device removed a flow entry the controller installed: a timeout, a delete from another controller
 * or an operator (`ovs-ofctl del-flows`), or the deletion of a group or meter it used. Our own deletions
 * are reported too; the listener tells them apart by whether the entry is still wanted.
 */
export interface FlowRemovedEvent {
  readonly type: 'flow-removed';
  readonly device: string;
  readonly cookie: number;
  readonly tableId: number;
  readonly priority: number;
  readonly reason: FlowRemovedReason;
  /** The removed entry's match when the model can express it; with table and priority, its identity. */
  readonly match?: FlowMatch;
}

export type DriverListener = (event: DriverEvent) => void;

/**
 * What the flow service needs from a southbound protocol. Implemented by the OpenFlow 1.3 driver,
 * the P4Runtime driver and the fake driver used in unit tests.
 */
export interface Driver {
  readonly protocol: string;
  /** Datapath ids of the devices connected right now. */
  connectedDevices(): string[];
  isConnected(device: string): boolean;
  /** Apply one batch; resolves once the device confirmed it (barrier), rejects with the device's error. */
  apply(device: string, batch: DeviceBatch): Promise<void>;
  /** Read what is installed on the device (for reconciliation). */
  readState(device: string): Promise<DeviceState>;
  packetOut(device: string, port: number, frame: Buffer): Promise<void>;
  subscribe(listener: DriverListener): () => void;
  /**
   * Rules the driver installs on a device by itself when it connects (cookie 0, e.g. the LLDP punt).
   * The flow service keeps them as desired state of the device, so its audit restores them too.
   */
  infrastructureRules?(device: string): readonly FlowRule[];
}
