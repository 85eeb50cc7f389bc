import type { EventStream, StreamStatus } from './event-stream.js';
import type { GraphView } from './graph-view.js';
import type { IntentPanel } from './intent-panel.js';
import type { IntentModel } from './intent-view.js';
import type { MapLayer } from './map-layer.js';
import type { Tooltip } from './tooltip.js';
import type { TopologyModel } from './topology-model.js';

export interface ViewStats {
  status: StreamStatus;
  snapshots: number;
  events: number;
  /** Controller time of the last event applied. */
  lastEventAt: number;
  lastAppliedAt: number;
}

interface Parts {
  readonly model: TopologyModel;
  readonly intents: IntentModel;
  readonly view: GraphView;
  readonly map: MapLayer;
  readonly tooltip: Tooltip;
  readonly panel: IntentPanel;
  readonly stream: EventStream;
  readonly stats: ViewStats;
}

/**
 * Read-only state on `window.__sdnc` for browser tests and for anyone debugging the page from the
 * console: what is drawn, how, and how fast. Nothing here changes the view.
 */
export function installTestHooks(p: Parts): void {
  const render = { count: 0, totalMs: 0, maxMs: 0, lastMs: 0, started: 0 };
  p.view.sigma.on('beforeRender', () => {
    render.started = performance.now();
  });
  p.view.sigma.on('afterRender', () => {
    const ms = performance.now() - render.started;
    render.count++;
    render.totalMs += ms;
    render.lastMs = ms;
    render.maxMs = Math.max(render.maxMs, ms);
  });
  const hooks = {
    get status() {
      return p.stats.status;
    },
    get seq() {
      return p.stream.seq;
    },
    get gaps() {
      return p.stream.gaps;
    },
    get stats() {
      return { ...p.stats };
    },
    get nodeCount() {
      return p.view.graph.order;
    },
    /** Drawn edges: one per cable. */
    get edgeCount() {
      return p.view.cableCount;
    },
    /** Directed links the page knows. */
    get linkCount() {
      return p.model.links.size;
    },
    get mapLoaded() {
      return p.map.loaded;
    },
    get tooltipText() {
      return p.tooltip.visibleText;
    },
    get selectedIntent() {
      return p.panel.selectedId;
    },
    renderStats() {
      return { ...render, meanMs: render.count > 0 ? render.totalMs / render.count : 0 };
    },
    nodeIds() {
      return p.view.graph.nodes();
    },
    cableIds() {
      return p.view.graph.filterEdges((_e, a) => a.kind === 'cable');
    },
    nodeStyle(id: string) {
      if (!p.view.graph.hasNode(id)) return null;
      const a = p.view.graph.getNodeAttributes(id);
      return { x: a.x, y: a.y, size: a.size, color: a.color, shape: a.shape, label: a.label, focus: a.focus, role: a.role };
    },
    /** Style of the cable a directed link (or cable id) belongs to. */
    linkStyle(id: string) {
      const cable = p.model.links.get(id)?.cable ?? id;
      if (!p.view.graph.hasEdge(cable)) return null;
      const a = p.view.graph.getEdgeAttributes(cable);
      if (!a.style) return null;
      return {
        cable,
        color: a.color,
        size: a.size,
        dashed: a.dashSize > 0,
        down: a.style.down,
        utilisation: a.style.utilisation,
        role: a.role,
      };
    },
    /** Path roles of all highlighted cables. */
    highlightedCables() {
      const out: Record<string, string> = {};
      p.view.graph.forEachEdge((e, a) => {
        if (a.role) out[e] = a.role;
      });
      return out;
    },
    nodeViewportPoint(id: string) {
      return p.view.viewportPointOfNode(id);
    },
    linkViewportPoint(id: string) {
      return p.view.viewportPointOfCable(p.model.links.get(id)?.cable ?? id);
    },
    cameraState() {
      return p.view.sigma.getCamera().getState();
    },
    intentStates() {
      return Object.fromEntries(p.intents.sorted().map((v) => [v.id, v.state]));
    },
  };
  Object.defineProperty(window, '__sdnc', { value: Object.freeze(hooks), configurable: false, writable: false });
}
