import type { EventBus } from '../events/event-bus.js';
import type { TopoLink, TopoNode } from '../model/topology.js';
import { CsrSnapshot } from './csr-snapshot.js';

/** What the keeper needs from the topology store (kept narrow so the path layer stays testable). */
export interface TopologySource {
  readonly shapeVersion: number;
  readonly attrVersion: number;
  nodes(): TopoNode[];
  links(): TopoLink[];
}

/**
 * Keeps one CSR snapshot current: link-updated and node-updated events patch it in place (O(out-degree) each),
 * shape changes make the next `current()` rebuild it. If events were missed (attrVersion moved without
 * them), `current()` re-patches every link from the store, so a query never sees stale attributes.
 *
 * Queries are synchronous, so everything computed between two event deliveries sees one consistent
 * snapshot; `current()` must be called once per batch, not per query, to keep that guarantee explicit.
 */
export class SnapshotKeeper {
  private snap: CsrSnapshot | null = null;
  private readonly unsubscribe: () => void;
  private rebuilds = 0;

  constructor(
    private readonly source: TopologySource,
    bus: EventBus,
  ) {
    this.unsubscribe = bus.subscribe(
      ({ event }) => {
        const type = event.type;
        if (type !== 'link-updated' && type !== 'node-updated') return;
        const s = this.snap;
        if (s === null || s.stale || s.shapeVersion !== this.source.shapeVersion) return;
        if (type === 'link-updated') s.patchLink(event.link);
        else s.patchNode(event.node);
        s.attrVersion = this.source.attrVersion;
      },
      ['link-updated', 'node-updated'],
    );
  }

  /** The snapshot matching the store right now. */
  current(): CsrSnapshot {
    let s = this.snap;
    if (s === null || s.stale || s.shapeVersion !== this.source.shapeVersion) {
      s = new CsrSnapshot(this.source.nodes(), this.source.links(), this.source);
      this.snap = s;
      this.rebuilds++;
    } else if (s.attrVersion !== this.source.attrVersion) {
      for (const node of this.source.nodes()) s.patchNode(node);
      for (const link of this.source.links()) s.patchLink(link);
      s.attrVersion = this.source.attrVersion;
      if (s.stale) return this.current();
    }
    return s;
  }

  /** How many full builds happened (for metrics and tests). */
  get rebuildCount(): number {
    return this.rebuilds;
  }

  close(): void {
    this.unsubscribe();
  }
}
