import type { IntentFailure, IntentLabels, IntentRecord } from './intent-types.js';
import { LABEL_COUNT, type LabelAllocator } from './label-allocator.js';
import { MAX_METER_ID, type MeterIds } from './meter-ids.js';
import type { Tunnel, TunnelRegistry } from './tunnel-registry.js';

/** What taking labels needs to know of a direction's planned tunnel. */
export interface TunnelNeed {
  /** Directions with equal keys share a tunnel. */
  readonly key: string;
  /** Whether a new tunnel needs a crankback label too. */
  readonly crankback: boolean;
  /** The ingress switch, where the direction's meter goes. */
  readonly shape: { readonly ingress: string };
}

/** The failure of an intent that found too few free labels (stable code 'labels-exhausted'). */
export function labelsExhausted(pool: LabelAllocator, needed: number): IntentFailure {
  return {
    code: 'labels-exhausted',
    message:
      `no free label: ${pool.used} of ${LABEL_COUNT} VLAN labels in use by tunnels, this intent needs ${needed} for a new one; ` +
      'withdraw intents to free labels (the intent is retried when labels are freed)',
    details: { usedLabels: pool.used, totalLabels: LABEL_COUNT, neededLabels: needed },
  };
}

/** The failure of an intent whose ingress switch has no meter id left (stable code 'meters-exhausted'). */
export function metersExhausted(device: string): IntentFailure {
  return {
    code: 'meters-exhausted',
    message:
      `no free meter on switch ${device}: all ${MAX_METER_ID} meter ids police other intents entering there; ` +
      'withdraw intents entering at this switch, or ask without bandwidth (the intent is retried when meters are freed)',
    details: { device, totalMeters: MAX_METER_ID },
  };
}

/** The switches an admission's meter ids are on: forward, reverse (undefined: none). */
export type MeterPlaces = readonly [string | undefined, string | undefined];

/**
 * Takes what an admission holds: per direction a hold of a tunnel (joined when one with the same key is
 * live, else opened with fresh labels) and, when policed, a meter id on the ingress switch: the one of
 * `keep` (the labels the intent holds now, with the switches of their meters, given when its rate is
 * unchanged) when it is on that switch, held once more, else a new one. All or nothing: on failure
 * nothing is kept.
 */
export function acquireLabels(
  tunnels: TunnelRegistry,
  meters: MeterIds,
  owner: number,
  forward: TunnelNeed,
  reverse: TunnelNeed | undefined,
  policed: boolean,
  keep?: { readonly labels: IntentLabels; readonly places: MeterPlaces },
): { ok: true; labels: IntentLabels; places: MeterPlaces } | { ok: false; reason: IntentFailure } {
  const joined = tunnels.join(forward.key);
  const f = joined ?? tunnels.open(forward.crankback);
  if (f === undefined) return { ok: false, reason: labelsExhausted(tunnels.pool, need(forward)) };
  let r: Tunnel | undefined;
  if (reverse !== undefined) {
    r = tunnels.join(reverse.key) ?? tunnels.open(reverse.crankback);
    if (r === undefined) {
      tunnels.release(f.label);
      return { ok: false, reason: labelsExhausted(tunnels.pool, need(reverse) + (joined ? 0 : need(forward))) };
    }
  }
  let fm: number | undefined;
  let rm: number | undefined;
  if (policed) {
    fm = meterOn(meters, owner, forward.shape.ingress, keep?.labels.forwardMeter, keep?.places[0]);
    if (fm !== undefined && reverse !== undefined)
      rm = meterOn(meters, owner, reverse.shape.ingress, keep?.labels.reverseMeter, keep?.places[1]);
    if (fm === undefined || (reverse !== undefined && rm === undefined)) {
      meters.release(forward.shape.ingress, fm, owner);
      tunnels.release(f.label);
      if (r !== undefined) tunnels.release(r.label);
      const device = fm === undefined ? forward.shape.ingress : (reverse as TunnelNeed).shape.ingress;
      return { ok: false, reason: metersExhausted(device) };
    }
  }
  // Members in one order (one object shape): absent ones are left out, as the store reloads them.
  const labels: {
    forward: number;
    reverse?: number;
    forwardCrankback?: number;
    reverseCrankback?: number;
    forwardMeter?: number;
    reverseMeter?: number;
  } = { forward: f.label };
  if (r !== undefined) labels.reverse = r.label;
  if (f.crankbackLabel !== undefined) labels.forwardCrankback = f.crankbackLabel;
  if (r?.crankbackLabel !== undefined) labels.reverseCrankback = r.crankbackLabel;
  if (fm !== undefined) labels.forwardMeter = fm;
  if (rm !== undefined) labels.reverseMeter = rm;
  return {
    ok: true,
    labels,
    places: [fm === undefined ? undefined : forward.shape.ingress, rm === undefined ? undefined : reverse?.shape.ingress],
  };
}

/** Labels a tunnel of this need takes: its own, and a crankback label when it has local repair. */
function need(n: TunnelNeed): number {
  return n.crankback ? 2 : 1;
}

/** A meter id for `owner` on `device`: the one it kept there when still free for it, else a new one. */
function meterOn(
  meters: MeterIds,
  owner: number,
  device: string,
  kept: number | undefined,
  keptOn: string | undefined,
): number | undefined {
  return kept !== undefined && keptOn === device && meters.hold(device, kept, owner) ? kept : meters.allocate(device, owner);
}

/**
 * Gives back what one admission took (acquireLabels, or restoreLabels after a restart). Returns the
 * tunnels this released last whose rules are in the flow service: the caller removes them.
 */
export function releaseLabels(
  tunnels: TunnelRegistry,
  meters: MeterIds,
  owner: number,
  labels: IntentLabels,
  places: MeterPlaces | undefined,
): Tunnel[] {
  const closed: Tunnel[] = [];
  const f = tunnels.release(labels.forward);
  if (f !== undefined) closed.push(f);
  const r = tunnels.release(labels.reverse);
  if (r !== undefined) closed.push(r);
  if (places !== undefined) {
    meters.release(places[0], labels.forwardMeter, owner);
    meters.release(places[1], labels.reverseMeter, owner);
  }
  return closed;
}

/**
 * Holds again what a reloaded intent held: its tunnels (by label) and its meter ids on the ingress
 * switches of its primaries (`devices`: forward, reverse; undefined when the switch is unknown now, so
 * its meter cannot be claimed there). Returns where the meters are. Throws when the store gives a label
 * or meter id to two holders that cannot share it.
 */
export function restoreLabels(
  tunnels: TunnelRegistry,
  meters: MeterIds,
  owner: number,
  labels: IntentLabels,
  devices: readonly [string | undefined, string | undefined],
): MeterPlaces {
  tunnels.hold(labels.forward, labels.forwardCrankback);
  if (labels.reverse !== undefined) tunnels.hold(labels.reverse, labels.reverseCrankback);
  const f = labels.forwardMeter !== undefined ? devices[0] : undefined;
  const r = labels.reverseMeter !== undefined ? devices[1] : undefined;
  if (f !== undefined) meters.claim(f, labels.forwardMeter as number, owner);
  if (r !== undefined) meters.claim(r, labels.reverseMeter as number, owner);
  return [f, r];
}

/**
 * A record stored before meters had ids of their own policed each direction with a meter whose id was
 * the direction's label: it keeps those ids (its rules stay exactly as installed).
 */
export function legacyMeters(rec: IntentRecord): IntentRecord {
  const l = rec.labels;
  if (l === undefined || rec.spec.bandwidthMbps <= 0 || l.forwardMeter !== undefined) return rec;
  const labels: IntentLabels =
    l.reverse === undefined ? { ...l, forwardMeter: l.forward } : { ...l, forwardMeter: l.forward, reverseMeter: l.reverse };
  return { ...rec, labels };
}
