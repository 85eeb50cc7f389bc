/** What link and host discovery report. Plain values; topology-sync applies them to the TopologyStore. */

export interface DiscoveredLink {
  /** Datapath id of the switch that sent the probe. */
  readonly srcDevice: string;
  readonly srcPort: number;
  /** Datapath id of the switch that received it. */
  readonly dstDevice: string;
  readonly dstPort: number;
}

export type LinkLostReason = 'probe-timeout' | 'port-down' | 'device-disconnected' | 'recabled';

export type DiscoveryEvent =
  | (DiscoveredLink & {
      readonly type: 'link-discovered';
      /** True the first time the link is seen (or seen again after being lost); later events update latency. */
      readonly firstSeen: boolean;
      /**
       * Smoothed one-way latency, control-channel delays removed; null until enough probes crossed the
       * link for an estimate (a link is reported as soon as one probe proves it, its latency ~0.1 s later).
       */
      readonly latencyMs: number | null;
      readonly jitterMs: number | null;
    })
  | (DiscoveredLink & { readonly type: 'link-lost'; readonly reason: LinkLostReason })
  | { readonly type: 'host-seen'; readonly device: string; readonly port: number; readonly mac: string; readonly ip?: string };

export type DiscoveryListener = (event: DiscoveryEvent) => void;

/** Control-channel round trip per device (OpenFlow echo); the latency correction needs it. */
export interface ControlChannelRtt {
  echoRttMs(device: string): number | undefined;
}
