import type { LinkPatch, TopoLink, TopoNode } from '../model/topology.js';
import type { TopologyEditsLog } from '../topology/topology-service.js';
import { type Db, migrate } from './database.js';

/**
 * Operator edits to the topology, kept as an ordered log in SQLite. The topology file is the base; the
 * log is the operator's overlay, re-applied over the file at every start. Each edit is one autocommitted
 * row in WAL mode, so an edit acknowledged over the API survives kill -9 of the controller.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE topology_edits (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('node-added', 'node-removed', 'cable-added', 'link-patched')),
     target TEXT NOT NULL,
     payload TEXT NOT NULL,
     recorded_at TEXT NOT NULL
   )`,
];

export type TopologyEdit =
  | { readonly kind: 'node-added'; readonly node: TopoNode }
  | { readonly kind: 'node-removed'; readonly id: string }
  | { readonly kind: 'cable-added'; readonly links: readonly TopoLink[] }
  | { readonly kind: 'link-patched'; readonly idOrCable: string; readonly patch: LinkPatch };

export interface RecordedEdit {
  readonly seq: number;
  readonly recordedAt: string;
  readonly edit: TopologyEdit;
}

/** An edit that no longer applies over the current file (say the file now declares that node itself). */
export interface SkippedEdit extends RecordedEdit {
  readonly reason: string;
}

export interface ReplayResult {
  readonly applied: number;
  readonly skipped: readonly SkippedEdit[];
}

export class TopologyEditsStore implements TopologyEditsLog {
  private readonly insert;
  /** True while edits are being re-applied: the target calls back into this log, which must not re-record. */
  private replaying = false;

  constructor(private readonly db: Db) {
    migrate(db, 'topology-edits', MIGRATIONS);
    this.insert = db.prepare('INSERT INTO topology_edits (kind, target, payload, recorded_at) VALUES (?, ?, ?, ?)');
  }

  nodeAdded(node: TopoNode): void {
    this.record({ kind: 'node-added', node });
  }

  nodeRemoved(id: string): void {
    this.record({ kind: 'node-removed', id });
  }

  cableAdded(links: readonly TopoLink[]): void {
    this.record({ kind: 'cable-added', links });
  }

  linkPatched(idOrCable: string, patch: LinkPatch): void {
    this.record({ kind: 'link-patched', idOrCable, patch });
  }

  /** Every recorded edit, oldest first. */
  list(): RecordedEdit[] {
    const rows = this.db.prepare('SELECT seq, kind, payload, recorded_at FROM topology_edits ORDER BY seq').all() as {
      seq: number;
      kind: TopologyEdit['kind'];
      payload: string;
      recorded_at: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, recordedAt: r.recorded_at, edit: { kind: r.kind, ...JSON.parse(r.payload) } }));
  }

  get count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM topology_edits').get() as { n: number }).n;
  }

  /** Forgets every edit: the next start shows the topology file as written. */
  clear(): number {
    return this.db.prepare('DELETE FROM topology_edits').run().changes;
  }

  /**
   * Re-applies the log in order through `target` (the TopologyService, which validates each edit as if
   * an operator made it again). An edit the target refuses is skipped with its reason rather than
   * aborting the start: the operator sees it in the log and the rest of the overlay still applies.
   */
  replay(target: TopologyEditTarget): ReplayResult {
    let applied = 0;
    const skipped: SkippedEdit[] = [];
    this.replaying = true;
    try {
      for (const rec of this.list()) {
        try {
          applyEdit(rec.edit, target);
          applied++;
        } catch (err) {
          skipped.push({ ...rec, reason: err instanceof Error ? err.message : String(err) });
        }
      }
    } finally {
      this.replaying = false;
    }
    return { applied, skipped };
  }

  private record(edit: TopologyEdit): void {
    if (this.replaying) return;
    const { kind, ...payload } = edit;
    this.insert.run(kind, targetOf(edit), JSON.stringify(payload), new Date().toISOString());
  }
}

/** The operations replay needs; TopologyService has them all. */
export interface TopologyEditTarget {
  addNode(node: Omit<TopoNode, 'operUp'>): unknown;
  removeNode(id: string): unknown;
  addCable(cable: {
    id: string;
    src: string;
    dst: string;
    srcPort?: number;
    dstPort?: number;
    capacityMbps: number;
    latencyMs: number;
    cost?: number;
    energyJPerGbit?: number;
    srlgs?: readonly string[];
    provider?: string;
    adminUp?: boolean;
  }): unknown;
  patchLink(idOrCable: string, patch: LinkPatch): unknown;
}

function applyEdit(edit: TopologyEdit, target: TopologyEditTarget): void {
  switch (edit.kind) {
    case 'node-added': {
      // The controller owns operUp: whatever it was when recorded, the service decides it afresh.
      const { operUp: _recorded, ...node } = edit.node;
      target.addNode(node);
      return;
    }
    case 'node-removed':
      target.removeNode(edit.id);
      return;
    case 'cable-added': {
      const a = edit.links[0];
      target.addCable({
        id: a.cable,
        src: a.src,
        dst: a.dst,
        ...(a.srcPort !== undefined && { srcPort: a.srcPort }),
        ...(a.dstPort !== undefined && { dstPort: a.dstPort }),
        capacityMbps: a.capacityMbps,
        latencyMs: a.latencyMs,
        cost: a.cost,
        energyJPerGbit: a.energyJPerGbit,
        srlgs: a.srlgs,
        provider: a.provider,
        adminUp: a.adminUp,
      });
      return;
    }
    case 'link-patched':
      target.patchLink(edit.idOrCable, edit.patch);
      return;
  }
}

function targetOf(edit: TopologyEdit): string {
  switch (edit.kind) {
    case 'node-added':
      return edit.node.id;
    case 'node-removed':
      return edit.id;
    case 'cable-added':
      return edit.links[0]?.cable ?? '';
    case 'link-patched':
      return edit.idOrCable;
  }
}
