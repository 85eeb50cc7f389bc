import type { DeviceBatch, DeviceState, FlowRule } from '../model/flow.js';

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
    };

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
