import { SdncError } from '../model/errors.js';
import type { ResolvedEndpoint } from './endpoint-resolver.js';
import type { IntentEngine } from './intent-engine.js';
import type { EndpointRef, IntentSpec } from './intent-types.js';

/**
 * Which intent carries which traffic. Two intents classifying exactly the same traffic would compete
 * for the same ingress rule, so the second is refused with a clear error. Also answers "does this intent
 * involve endpoint X" for list filters, from the endpoints the intent resolved to.
 */
export class TrafficRegistry {
  private readonly owners = new Map<string, string>();
  private readonly signatures = new Map<string, string[]>();
  private readonly endpoints = new Map<string, Set<string>>();

  check(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, spec: IntentSpec): void {
    for (const s of signaturesOf(ends, spec)) {
      const owner = this.owners.get(s.signature);
      if (owner !== undefined) throw new SdncError('SDNC_ERR_INTENT_DUPLICATE', { id: owner, direction: s.direction });
    }
  }

  addResolved(id: string, ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, spec: IntentSpec): void {
    const sigs = signaturesOf(ends, spec).map((s) => s.signature);
    for (const s of sigs) this.owners.set(s, id);
    this.signatures.set(id, sigs);
    const eps = new Set<string>([ends.src.node, ends.dst.node]);
    for (const h of [...ends.src.hosts, ...ends.dst.hosts]) eps.add(h.endpoint);
    this.endpoints.set(id, eps);
  }

  /** Registers a reloaded intent; one whose endpoints no longer resolve is registered by its refs only. */
  add(id: string, engine: IntentEngine, spec: IntentSpec): void {
    try {
      this.addResolved(id, engine.resolve(spec), spec);
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

function refValue(ref: EndpointRef): string {
  if (typeof ref === 'string') return ref;
  return 'endpoint' in ref ? ref.endpoint : 'site' in ref ? ref.site : ref.address;
}

function signaturesOf(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, spec: IntentSpec) {
  const prefixes = (e: ResolvedEndpoint) =>
    e.hosts
      .flatMap((h) => h.prefixes.map((p) => `${h.port}@${h.node}:${p}`))
      .sort()
      .join(',');
  const m = spec.match;
  const fwd = `${prefixes(ends.src)}>${prefixes(ends.dst)}|${m?.ipProto ?? '*'}:${m?.srcPort ?? '*'}:${m?.dstPort ?? '*'}`;
  const out = [{ signature: fwd, direction: 'forward' }];
  if (spec.bidirectional) {
    out.push({
      signature: `${prefixes(ends.dst)}>${prefixes(ends.src)}|${m?.ipProto ?? '*'}:${m?.dstPort ?? '*'}:${m?.srcPort ?? '*'}`,
      direction: 'reverse',
    });
  }
  return out;
}
