import type { DeviceState, FlowAction, FlowRule } from '../model/flow.js';
import type { AttachedHost } from './endpoint-resolver.js';
import type { LabelAllocator } from './label-allocator.js';

/** Owner of every tunnel label in the LabelAllocator (intent keys start at 1). */
export const TUNNEL_LABEL_OWNER = 0;

/**
 * Cookie of a tunnel's rules: above every intent key, so a rule tells whose it is (OpenFlow cookies are
 * 64 bits; the model keeps them safe integers).
 */
export const TUNNEL_COOKIE_BASE = 2 ** 48;

export function tunnelCookie(label: number): number {
  return TUNNEL_COOKIE_BASE + label;
}

/**
 * Rules the flow service holds under an owner of their own, shared by the intents that hold them: the
 * install sequencer puts them in place with the first intent and checks their devices once per flush.
 */
export interface SharedRules {
  readonly owner: string;
  readonly rules: DeviceState | undefined;
  /** Whether the rules were handed to the flow service. */
  desired: boolean;
  /** The install sequencer's epoch in which all its devices were last seen converged. */
  confirmedAt: number;
  /** The devices its rules are on, each once. */
  readonly devices: readonly string[];
}

/** The devices of a state, each once. */
function devicesOfState(r: DeviceState | undefined): readonly string[] {
  if (r === undefined) return NO_DEVICES;
  const all = new Set<string>();
  for (const f of r.flows) all.add(f.device);
  for (const g of r.groups) all.add(g.device);
  for (const m of r.meters) all.add(m.device);
  return [...all];
}

/**
 * The ARP classifiers of one source host towards one destination host onto a tunnel: every intent
 * between the two riding the tunnel needs them, so they hold them (see IntentRules); the last hold
 * removes them.
 */
export class ArpShare implements SharedRules {
  readonly owner: string;
  holds = 0;
  desired = false;
  confirmedAt = -1;
  readonly devices: readonly string[];

  constructor(
    readonly tunnel: Tunnel,
    readonly src: AttachedHost,
    readonly dst: AttachedHost,
    readonly rules: DeviceState,
    serial: number,
  ) {
    this.owner = `${tunnel.owner}-arp-${serial}`;
    this.devices = devicesOfState(rules);
  }
}

/**
 * One direction's label-switched path, shared by every intent whose direction has the same paths to the
 * same hosts: its label, and its rules (transit and egress, the ingress fast-failover group, crankback).
 * Intents keep only their ingress classifiers and meters; theirs push the tunnel's label. A tunnel lives
 * while an intent holds it: every admission that uses it holds it once, and every hold is released once
 * (when the make-before-break move that replaced it, or the removal, ends).
 */
export class Tunnel implements SharedRules {
  /** Flow-service owner of the rules. */
  readonly owner: string;
  holders = 0;
  /** Whether the rules were handed to the flow service (they are removed when the last hold goes). */
  desired = false;
  /** Whether new admissions may still join it (false once its last holder left). */
  live = true;
  /** The install sequencer's epoch in which all its devices were last seen converged (see InstallSequencer). */
  confirmedAt = -1;
  private deviceList: readonly string[] | undefined;
  /** Its ARP classifiers, by source host, then destination host (host objects: resolutions are reused). */
  private readonly arps = new Map<AttachedHost, Map<AttachedHost, ArpShare>>();
  private arpSerial = 0;

  constructor(
    /** What the rules depend on (see TunnelRegistry.find); undefined until compiled. */
    public signature: string | undefined,
    readonly label: number,
    readonly crankbackLabel: number | undefined,
    /** Its rules; undefined for a tunnel reloaded from the store until one of its intents compiled. */
    public rules: DeviceState | undefined,
    /** What an ingress classifier of the tunnel does: push the label, forward (port or group). */
    public toNetwork: readonly FlowAction[],
  ) {
    this.owner = `tunnel-${label}`;
  }

  /** The devices its rules are on, each once (none before it is compiled). */
  get devices(): readonly string[] {
    let d = this.deviceList;
    if (d === undefined) {
      if (this.rules === undefined) return NO_DEVICES;
      d = devicesOfState(this.rules);
      this.deviceList = d;
    }
    return d;
  }

  /** The ARP classifiers from `src` to `dst` onto this tunnel, made by `make` the first time; not held yet. */
  arpShare(src: AttachedHost, dst: AttachedHost, make: () => FlowRule[]): ArpShare {
    let byDst = this.arps.get(src);
    if (byDst === undefined) {
      byDst = new Map();
      this.arps.set(src, byDst);
    }
    let share = byDst.get(dst);
    if (share === undefined) {
      share = new ArpShare(this, src, dst, { flows: make(), groups: [], meters: [] }, ++this.arpSerial);
      byDst.set(dst, share);
    }
    return share;
  }

  /** Forgets an ARP share nobody holds any more. */
  dropArp(share: ArpShare): void {
    const byDst = this.arps.get(share.src);
    if (byDst?.get(share.dst) !== share) return;
    byDst.delete(share.dst);
    if (byDst.size === 0) this.arps.delete(share.src);
  }
}

const NO_DEVICES: readonly string[] = [];

/**
 * The live tunnels, by what their rules depend on and by label. Labels come from the network-wide pool
 * (one VLAN id per tunnel, plus one for crankback); a tunnel's labels return to it when its last
 * holder releases it, and the caller removes its rules then.
 */
export class TunnelRegistry {
  private readonly bySignature = new Map<string, Tunnel>();
  private readonly byLabel = new Map<number, Tunnel>();

  constructor(readonly pool: LabelAllocator) {}

  /** Tunnels that exist (held at least once). */
  get size(): number {
    return this.byLabel.size;
  }

  /** The live tunnel with these rules, held once more; undefined when there is none. */
  join(signature: string): Tunnel | undefined {
    const t = this.bySignature.get(signature);
    if (t !== undefined) t.holders++;
    return t;
  }

  /** A new tunnel with fresh labels, held once; undefined when the pool has too few. */
  open(withCrankback: boolean): Tunnel | undefined {
    const pool = this.pool;
    if (pool.free < (withCrankback ? 2 : 1)) return undefined;
    const label = pool.allocate(TUNNEL_LABEL_OWNER) as number;
    const crankback = withCrankback ? pool.allocate(TUNNEL_LABEL_OWNER) : undefined;
    const t = new Tunnel(undefined, label, crankback, undefined, NO_ACTIONS);
    t.holders = 1;
    this.byLabel.set(label, t);
    return t;
  }

  /** Sets a tunnel's rules and lets later admissions with the same signature join it. */
  compiled(t: Tunnel, signature: string, rules: DeviceState, toNetwork: readonly FlowAction[]): void {
    t.signature = signature;
    t.rules = rules;
    t.toNetwork = toNetwork;
    if (t.live && !this.bySignature.has(signature)) this.bySignature.set(signature, t);
  }

  /** The tunnel of a label (live or on its way out). */
  get(label: number): Tunnel | undefined {
    return this.byLabel.get(label);
  }

  /**
   * Holds the tunnel of a stored label once more (reload), making it (without rules yet) when it is the
   * first intent to hold it. Throws when the label is held by something else.
   */
  hold(label: number, crankbackLabel: number | undefined): Tunnel {
    let t = this.byLabel.get(label);
    if (t === undefined) {
      this.pool.claim(label, TUNNEL_LABEL_OWNER);
      if (crankbackLabel !== undefined) this.pool.claim(crankbackLabel, TUNNEL_LABEL_OWNER);
      t = new Tunnel(undefined, label, crankbackLabel, undefined, NO_ACTIONS);
      this.byLabel.set(label, t);
    } else if (t.crankbackLabel !== crankbackLabel) {
      throw new Error(`label ${label} is stored with crankback labels ${t.crankbackLabel} and ${crankbackLabel}`);
    }
    t.holders++;
    return t;
  }

  /**
   * Gives one hold of the label's tunnel back. When it was the last, the tunnel is closed (no new
   * admission joins it), its labels go back to the pool, and it is returned if its rules were handed to
   * the flow service: the caller removes them.
   */
  release(label: number | undefined): Tunnel | undefined {
    if (label === undefined) return undefined;
    const t = this.byLabel.get(label);
    if (t === undefined) return undefined;
    if (--t.holders > 0) return undefined;
    t.live = false;
    if (t.signature !== undefined && this.bySignature.get(t.signature) === t) this.bySignature.delete(t.signature);
    this.byLabel.delete(label);
    this.pool.release(label, TUNNEL_LABEL_OWNER);
    this.pool.release(t.crankbackLabel, TUNNEL_LABEL_OWNER);
    return t.desired ? t : undefined;
  }
}

const NO_ACTIONS: readonly FlowAction[] = [];
