/** Requests to and answers from the path engine. Plain values. */

export type Objective = 'latency' | 'cost' | 'energy' | 'hops';

export type Protection = 'none' | 'link-disjoint' | 'node-disjoint' | 'srlg-disjoint' | 'provider-diverse';

export interface PathConstraints {
  /** Minimum residual bandwidth every link must have. */
  readonly bandwidthMbps?: number;
  readonly maxLatencyMs?: number;
  readonly maxHops?: number;
  readonly avoidProviders?: readonly string[];
  readonly avoidNodes?: readonly string[];
  readonly avoidLinks?: readonly string[];
  readonly avoidSrlgs?: readonly string[];
  /** ISO country codes every node on the path must be in. */
  readonly allowedJurisdictions?: readonly string[];
}

export interface PathRequest extends PathConstraints {
  /** Node ids (forwarding nodes; endpoints are resolved to their attachment node by the caller). */
  readonly src: string;
  readonly dst: string;
  readonly objective?: Objective;
  readonly protection?: Protection;
  /** Number of alternatives to return (k-shortest); 1 when absent. */
  readonly k?: number;
}

export interface Path {
  readonly nodes: readonly string[];
  readonly links: readonly string[];
  readonly latencyMs: number;
  readonly cost: number;
  readonly energyJPerGbit: number;
  readonly hops: number;
  /** Smallest residual bandwidth along the path. */
  readonly bottleneckMbps: number;
}

/** Why no path was found, in terms a user can act on. */
export type NoPathCode =
  | 'unknown-node'
  | 'disconnected'
  | 'bandwidth'
  | 'latency'
  | 'hops'
  | 'excluded'
  | 'jurisdiction'
  | 'no-disjoint-backup';

export interface NoPathReason {
  readonly code: NoPathCode;
  /** One sentence, e.g. "no path with 500 Mbit/s: bottleneck par-fra-1.a, 120 Mbit/s free". */
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type PathResult =
  | { readonly ok: true; readonly primary: Path; readonly backup?: Path; readonly alternatives?: readonly Path[] }
  | { readonly ok: false; readonly reason: NoPathReason };
