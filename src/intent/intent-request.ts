import { createHash } from 'node:crypto';
import { SdncError } from '../model/errors.js';
import type { Objective, Protection } from '../model/path.js';
import type { EndpointRef, IntentConstraints, IntentPatch, IntentSpec, TrafficMatch } from './intent-types.js';

const OBJECTIVES: readonly Objective[] = ['latency', 'cost', 'energy', 'hops'];
const PROTECTIONS: readonly Protection[] = ['none', 'link-disjoint', 'node-disjoint', 'srlg-disjoint', 'provider-diverse'];
const LIST_CONSTRAINTS = ['avoidProviders', 'avoidNodes', 'avoidLinks', 'allowedJurisdictions'] as const;
export const MAX_PRIORITY = 1000;
/** 10 Tbit/s: anything above is a unit mistake, not a request. */
const MAX_BANDWIDTH_MBPS = 10_000_000;

/** The body of POST /intents as received (already schema-checked over REST, not when called in-process). */
export interface IntentRequest {
  readonly endpoints: { readonly src: EndpointRef; readonly dst: EndpointRef };
  readonly bandwidthMbps: number;
  readonly maxLatencyMs?: number;
  readonly objective?: Objective;
  readonly protection?: Protection;
  readonly constraints?: IntentConstraints;
  readonly priority?: number;
  readonly allowPreemption?: boolean;
  readonly bidirectional?: boolean;
  readonly match?: TrafficMatch;
}

function bad(reason: string): never {
  throw new SdncError('SDNC_ERR_VALIDATION', { reason });
}

/**
 * Checks a request and fills the defaults: objective latency, no protection, priority 100, no
 * preemption, bidirectional. In-process callers get the same errors the REST schema gives.
 */
export function normalizeRequest(req: IntentRequest): IntentSpec {
  if (typeof req !== 'object' || req === null) bad('the intent must be an object');
  const ep = req.endpoints;
  if (typeof ep !== 'object' || ep === null) bad('endpoints {src, dst} are required');
  checkRef(ep.src, 'endpoints.src');
  checkRef(ep.dst, 'endpoints.dst');
  if (sameRef(ep.src, ep.dst)) bad('endpoints.src and endpoints.dst are the same');
  checkBandwidth(req.bandwidthMbps);
  if (req.maxLatencyMs !== undefined) checkLatency(req.maxLatencyMs);
  if (req.objective !== undefined && !OBJECTIVES.includes(req.objective))
    bad(`objective must be one of ${OBJECTIVES.join(', ')}`);
  if (req.protection !== undefined && !PROTECTIONS.includes(req.protection))
    bad(`protection must be one of ${PROTECTIONS.join(', ')}`);
  if (req.priority !== undefined) checkPriority(req.priority);
  const c = req.constraints ?? {};
  if (c.maxHops !== undefined && !(Number.isInteger(c.maxHops) && c.maxHops >= 1))
    bad('constraints.maxHops must be an integer >= 1');
  for (const k of LIST_CONSTRAINTS) {
    const v = c[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
      bad(`constraints.${k} must be a list of strings`);
  }
  const m = req.match;
  if (m !== undefined) {
    if (m.ipProto !== undefined && !(Number.isInteger(m.ipProto) && m.ipProto >= 0 && m.ipProto <= 255))
      bad('match.ipProto must be 0..255');
    for (const k of ['srcPort', 'dstPort'] as const) {
      const p = m[k];
      if (p === undefined) continue;
      if (!(Number.isInteger(p) && p >= 0 && p <= 65535)) bad(`match.${k} must be 0..65535`);
      if (m.ipProto !== 6 && m.ipProto !== 17) bad(`match.${k} needs match.ipProto 6 (TCP) or 17 (UDP)`);
    }
  }
  const spec: Mutable<IntentSpec> = { src: ep.src, dst: ep.dst, bandwidthMbps: req.bandwidthMbps } as Mutable<IntentSpec>;
  if (req.maxLatencyMs !== undefined) spec.maxLatencyMs = req.maxLatencyMs;
  spec.objective = req.objective ?? 'latency';
  spec.protection = req.protection ?? 'none';
  spec.constraints = c;
  spec.priority = req.priority ?? 100;
  spec.allowPreemption = req.allowPreemption ?? false;
  spec.bidirectional = req.bidirectional ?? true;
  if (m !== undefined && hasKeys(m)) spec.match = m;
  return spec;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Two references already checked by checkRef: a string, or an object with exactly one member. */
function sameRef(a: EndpointRef, b: EndpointRef): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  for (const k in a) return k in b && (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k];
  return false;
}

/** The spec after a PATCH; validates the patch the same way. */
export function applyPatch(spec: IntentSpec, patch: IntentPatch): IntentSpec {
  if (typeof patch !== 'object' || patch === null) bad('the patch must be an object');
  const keys = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) bad('the patch changes nothing: give bandwidthMbps, maxLatencyMs, protection or priority');
  if (patch.bandwidthMbps !== undefined) checkBandwidth(patch.bandwidthMbps);
  if (patch.maxLatencyMs !== undefined && patch.maxLatencyMs !== null) checkLatency(patch.maxLatencyMs);
  if (patch.protection !== undefined && !PROTECTIONS.includes(patch.protection))
    bad(`protection must be one of ${PROTECTIONS.join(', ')}`);
  if (patch.priority !== undefined) checkPriority(patch.priority);
  const { maxLatencyMs: _drop, ...rest } = spec;
  const latency = patch.maxLatencyMs === undefined ? spec.maxLatencyMs : (patch.maxLatencyMs ?? undefined);
  return {
    ...rest,
    ...(latency !== undefined ? { maxLatencyMs: latency } : {}),
    bandwidthMbps: patch.bandwidthMbps ?? spec.bandwidthMbps,
    protection: patch.protection ?? spec.protection,
    priority: patch.priority ?? spec.priority,
  };
}

/** Hash of a request body independent of key order, for Idempotency-Key comparison. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function checkRef(ref: unknown, where: string): void {
  if (typeof ref === 'string' && ref.length > 0) return;
  if (typeof ref === 'object' && ref !== null) {
    const keys = Object.keys(ref);
    const v = (ref as Record<string, unknown>)[keys[0]];
    if (keys.length === 1 && ['endpoint', 'address', 'site'].includes(keys[0]) && typeof v === 'string' && v.length > 0) return;
  }
  bad(`${where} must be an endpoint id, an IP address or prefix, a site id, or one of {endpoint}, {address}, {site}`);
}

function checkBandwidth(v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_BANDWIDTH_MBPS) {
    bad(`bandwidthMbps must be a number from 0 to ${MAX_BANDWIDTH_MBPS}`);
  }
}

function checkLatency(v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) bad('maxLatencyMs must be a number > 0');
}

function checkPriority(v: unknown): void {
  if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_PRIORITY))
    bad(`priority must be an integer from 0 to ${MAX_PRIORITY}`);
}
