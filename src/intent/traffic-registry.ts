import { SdncError } from '../model/errors.js';
import type { ResolvedEndpoint } from './endpoint-resolver.js';
import type { IntentEngine } from './intent-engine.js';
import type { EndpointRef, IntentSpec } from './intent-types.js';

/**
 * The traffic one intent classifies: its forward signature, and its reverse one when bidirectional.
 * Computed once per request (the strings are the costly part), checked, then registered.
 */
export interface TrafficClaim {
  readonly signatures: readonly string[];
}

const DIRECTIONS = ['forward', 'reverse'] as const;

/**
 * Which intent carries which traffic. Two intents classifying exactly the same traffic would compete
 * for the same ingress rule, so the second is refused with a clear error. Also answers "does this intent
 * involve endpoint X" for list filters, from the endpoints the intent resolved to.
 */
export class TrafficRegistry {
  private readonly owners = new Map<string, string>();
  private readonly signatures = new Map<string, readonly string[]>();
  private readonly endpoints = new Map<string, ReadonlySet<string>>();

  /** The claim of `spec` resolved to `ends`; throws SDNC_ERR_INTENT_DUPLICATE when an intent holds any of it. */
  claim(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, spec: IntentSpec): TrafficClaim {
    const claim = claimOf(ends, spec);
    this.check(claim);
    return claim;
  }

  check(claim: TrafficClaim): void {
    const sigs = claim.signatures;
    for (let i = 0; i < sigs.length; i++) {
      const owner = this.owners.get(sigs[i]);
      if (owner !== undefined) throw new SdncError('SDNC_ERR_INTENT_DUPLICATE', { id: owner, direction: DIRECTIONS[i] });
    }
  }

  add(id: string, ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, claim: TrafficClaim): void {
    for (const s of claim.signatures) this.owners.set(s, id);
    this.signatures.set(id, claim.signatures);
    this.endpoints.set(id, endpointsOf(ends.src, ends.dst));
  }

  /** Registers a reloaded intent; one whose endpoints no longer resolve is registered by its refs only. */
  addReloaded(id: string, engine: IntentEngine, spec: IntentSpec): void {
    try {
      const ends = engine.resolve(spec);
      this.add(id, ends, claimOf(ends, spec));
    } catch {
      this.endpoints.set(id, new Set([refValue(spec.src), refValue(spec.dst)]));
    }
  }

  remove(id: string): void {
    for (const s of this.signatures.get(id) ?? []) if (this.owners.get(s) === id) this.owners.delete(s);
    this.signatures.delete(id);
    this.endpoints.delete(id);
  }

  involves(id: string, spec: IntentSpec, endpoint: string): boolean {
    return refValue(spec.src) === endpoint || refValue(spec.dst) === endpoint || (this.endpoints.get(id)?.has(endpoint) ?? false);
  }
}

/**
 * The nodes and endpoints of a pair of resolutions, one set per pair (resolutions are reused while the
 * topology does not change, and the intents between two hosts share them); never changed.
 */
const endpointSets = new WeakMap<ResolvedEndpoint, WeakMap<ResolvedEndpoint, ReadonlySet<string>>>();

function endpointsOf(src: ResolvedEndpoint, dst: ResolvedEndpoint): ReadonlySet<string> {
  let byDst = endpointSets.get(src);
  if (byDst === undefined) {
    byDst = new WeakMap();
    endpointSets.set(src, byDst);
  }
  let eps = byDst.get(dst);
  if (eps === undefined) {
    const set = new Set<string>([src.node, dst.node]);
    for (const h of src.hosts) set.add(h.endpoint);
    for (const h of dst.hosts) set.add(h.endpoint);
    eps = set;
    byDst.set(dst, eps);
  }
  return eps;
}

function refValue(ref: EndpointRef): string {
  if (typeof ref === 'string') return ref;
  return 'endpoint' in ref ? ref.endpoint : 'site' in ref ? ref.site : ref.address;
}

/** prefixesOf per resolution (resolutions are reused while the topology does not change). */
const prefixTexts = new WeakMap<ResolvedEndpoint, string>();

function prefixesOf(e: ResolvedEndpoint): string {
  let t = prefixTexts.get(e);
  if (t === undefined) {
    t = prefixesText(e);
    prefixTexts.set(e, t);
  }
  return t;
}

function prefixesText(e: ResolvedEndpoint): string {
  const hosts = e.hosts;
  if (hosts.length === 1 && hosts[0].prefixes.length === 1) {
    const h = hosts[0];
    return `${h.port}@${h.node}:${h.prefixes[0]}`;
  }
  return hosts
    .flatMap((h) => h.prefixes.map((p) => `${h.port}@${h.node}:${p}`))
    .sort()
    .join(',');
}

function claimOf(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, spec: IntentSpec): TrafficClaim {
  const src = prefixesOf(ends.src);
  const dst = prefixesOf(ends.dst);
  const m = spec.match;
  const proto = m?.ipProto ?? '*';
  const sport = m?.srcPort ?? '*';
  const dport = m?.dstPort ?? '*';
  const fwd = `${src}>${dst}|${proto}:${sport}:${dport}`;
  return { signatures: spec.bidirectional ? [fwd, `${dst}>${src}|${proto}:${dport}:${sport}`] : [fwd] };
}
