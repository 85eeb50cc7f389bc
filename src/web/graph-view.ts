import type { MultiGraph as MultiGraphType } from 'graphology';
import graphology from 'graphology';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import { layerDashed, layerFill, layerPlain, sdfCircle, sdfDiamond, sdfSquare, sdfTriangle } from 'sigma/rendering';
import { EUROPE_WINDOW } from './europe-window.js';
import { projectLonLat } from './geo-projection.js';
import { cableStyle, type LinkStyle, type PathRole } from './link-style.js';
import { layoutNodes } from './node-layout.js';
import { KIND_STYLE, nodeColor, ProviderPalette } from './node-style.js';
import type { TopologyChange, TopologyModel } from './topology-model.js';

const { MultiGraph } = graphology as unknown as { MultiGraph: typeof MultiGraphType };

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  shape: string;
  label: string;
  focus: boolean;
  role: PathRole;
}

export interface EdgeAttrs {
  /** A cable (both directions of a link), or the tie between an endpoint and the node it is plugged into. */
  kind: 'cable' | 'attachment';
  size: number;
  color: string;
  /** Dash length in pixels; 0 draws a solid line (see layerDashed). */
  dashSize: number;
  role: PathRole;
  style: LinkStyle | null;
}

/** Attachment ties are keyed apart from cables, whose ids are topology ids. */
export const ATTACHMENT_PREFIX = 'attach:';
const ATTACHMENT_COLOR = '#98a1ab';

export type ViewGraph = MultiGraphType<NodeAttrs, EdgeAttrs>;

/** Above this many cables, edges and labels are hidden while the camera moves (see adaptToSize). */
const LARGE_GRAPH_CABLES = 1500;

/** The dash pattern of a down link, in screen pixels. */
const DOWN_DASH_PX = 6;

/**
 * The sigma renderer and the graphology graph it draws: one node per topology node at its projected
 * position, one edge per cable. Sigma listens to the graph, so changing attributes here is all a live
 * update needs; it batches them into the next animation frame.
 */
export class GraphView {
  readonly graph: ViewGraph = new MultiGraph<NodeAttrs, EdgeAttrs>({ allowSelfLoops: false });
  readonly sigma: Sigma<NodeAttrs, EdgeAttrs>;
  readonly palette = new ProviderPalette();
  private roles = new Map<string, PathRole>();
  private nodeRoles = new Map<string, PathRole>();
  private focused: string | null = null;

  constructor(
    container: HTMLElement,
    private readonly model: TopologyModel,
  ) {
    this.sigma = new Sigma<NodeAttrs, EdgeAttrs>(this.graph, container, {
      primitives: {
        nodes: { shapes: [sdfCircle(), sdfSquare(), sdfTriangle(), sdfDiamond()], layers: [layerFill()] },
        edges: {
          variables: { dashSize: { type: 'number', default: 0 } },
          layers: [
            layerPlain(),
            // Gaps are painted white over the plain layer; dashSize 0 leaves the plain line alone.
            layerDashed({ dashSize: { attribute: 'dashSize', default: 0 }, gapSize: { value: 5 }, gapColor: '#ffffff' }),
          ],
        },
      },
      styles: {
        nodes: [
          DEFAULT_STYLES.nodes,
          {
            shape: { attribute: 'shape' },
            size: (a: NodeAttrs, s: { isHovered: boolean }) => (a.focus ? a.size * 1.8 : s.isHovered ? a.size * 1.2 : a.size),
            labelVisibility: (a: NodeAttrs, s: { isHovered: boolean }) => (a.focus || a.role || s.isHovered ? 'visible' : 'auto'),
            backdropVisibility: (a: NodeAttrs, s: { isHovered: boolean }) => (a.focus || s.isHovered ? 'visible' : 'hidden'),
            depth: (a: NodeAttrs, s: { isHovered: boolean }) => (a.focus || a.role || s.isHovered ? 'topNodes' : 'nodes'),
          },
        ],
        edges: [
          DEFAULT_STYLES.edges,
          {
            dashSize: { attribute: 'dashSize', defaultValue: 0 },
            size: (a: EdgeAttrs, s: { isHovered: boolean }) => (s.isHovered ? a.size + 2 : a.size),
            depth: (a: EdgeAttrs, s: { isHovered: boolean }) => (a.role || s.isHovered ? 'topEdges' : 'edges'),
          },
        ],
      },
      settings: {
        enableEdgeEvents: true,
        renderEdgeLabels: false,
        // Positions are Mercator coordinates: keep their scale, and frame the camera on Europe, not on
        // wherever the nodes happen to be, so the map does not jump when nodes come and go.
        itemSizesReference: 'screen',
        zoomToSizeRatioFunction: (ratio: number) => Math.max(1, Math.sqrt(ratio)),
        minCameraRatio: 0.01,
        // Zoomed out further, the outline (clipped at build time) would show its edges.
        maxCameraRatio: 1.5,
        labelDensity: 0.6,
        labelRenderedSizeThreshold: 6,
        stagePadding: 10,
      },
    } as never);
    const sw = projectLonLat(EUROPE_WINDOW.west, EUROPE_WINDOW.south);
    const ne = projectLonLat(EUROPE_WINDOW.east, EUROPE_WINDOW.north);
    this.sigma.setCustomBBox({ x: [sw.x, ne.x], y: [sw.y, ne.y] });
  }

  /** Rebuild everything from the model (snapshot, or a shape change). */
  rebuild(): void {
    this.adaptToSize(this.model.links.size / 2);
    const positions = layoutNodes(this.model.nodes.values(), this.model.links.values());
    this.palette.assign([...this.model.nodes.values()].map((n) => n.provider));
    const g = this.graph;
    // Drop what is gone, then add or update the rest: sigma keeps its buffers for untouched items.
    g.forEachEdge((e, a) => {
      if (a.kind === 'attachment' || !this.model.directionsOf(e).length) g.dropEdge(e);
    });
    g.forEachNode((n) => {
      if (!this.model.nodes.has(n)) g.dropNode(n);
    });
    for (const n of this.model.nodes.values()) {
      const p = positions.get(n.id)!;
      const attrs = this.nodeAttrs(n.id, p.x, p.y);
      if (g.hasNode(n.id)) g.replaceNodeAttributes(n.id, attrs);
      else g.addNode(n.id, attrs);
    }
    for (const cable of this.model.cables()) this.syncCable(cable);
    this.addAttachmentTies();
    if (this.model.nodes.size > 0 && [...this.model.nodes.values()].every((n) => !n.location)) this.frameNodes(positions);
  }

  /** A topology without any coordinates sits on the layout's ring off the coast: frame that, not Europe. */
  private frameNodes(positions: ReadonlyMap<string, { x: number; y: number }>): void {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of positions.values()) {
      [x0, y0, x1, y1] = [Math.min(x0, p.x), Math.min(y0, p.y), Math.max(x1, p.x), Math.max(y1, p.y)];
    }
    const a = this.sigma.graphToFramedGraph({ x: x0, y: y0 });
    const b = this.sigma.graphToFramedGraph({ x: x1, y: y1 });
    const extent = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y));
    this.sigma.getCamera().setState({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, ratio: Math.max(0.02, extent * 1.6) });
  }

  /**
   * Large graphs hide edges and labels while the camera moves (sigma's own remedy): every edge is a
   * shaded quad, and where WebGL is rendered in software (headless browsers, remote desktops, machines
   * without a GPU) thousands of them make each frame slow. At rest everything is drawn.
   */
  private adaptToSize(cables: number): void {
    const large = cables > LARGE_GRAPH_CABLES;
    if (this.sigma.getSetting('hideEdgesOnMove') !== large) {
      this.sigma.setSetting('hideEdgesOnMove', large);
      this.sigma.setSetting('hideLabelsOnMove', large);
    }
  }

  /** Number of cables drawn (attachment ties are not links). */
  get cableCount(): number {
    let n = 0;
    this.graph.forEachEdge((_e, a) => {
      if (a.kind === 'cable') n++;
    });
    return n;
  }

  /**
   * A thin grey line from each endpoint to its node, unless a cable already joins them: endpoints are
   * laid out around their node and would otherwise float unconnected once zoomed in.
   */
  private addAttachmentTies(): void {
    const g = this.graph;
    for (const n of this.model.nodes.values()) {
      const at = n.attachment?.node;
      if (!at || !g.hasNode(n.id) || !g.hasNode(at) || g.someEdge(n.id, at, () => true)) continue;
      g.addEdgeWithKey(`${ATTACHMENT_PREFIX}${n.id}`, n.id, at, {
        kind: 'attachment',
        size: 1,
        color: ATTACHMENT_COLOR,
        dashSize: 0,
        role: null,
        style: null,
      });
    }
  }

  /** Apply one change from the model: cheap attribute updates unless the shape changed. */
  update(change: TopologyChange): void {
    if (change.shape) {
      this.rebuild();
      return;
    }
    for (const id of change.nodes) {
      if (!this.graph.hasNode(id)) continue;
      const { x, y } = this.graph.getNodeAttributes(id);
      this.graph.replaceNodeAttributes(id, this.nodeAttrs(id, x, y));
    }
    for (const cable of change.cables) this.syncCable(cable);
  }

  /** Mark the links (directed ids) and nodes of an intent's paths; primary wins over backup. */
  setPathRoles(
    primary: { nodes: readonly string[]; links: readonly string[] } | null,
    backup?: { nodes: readonly string[]; links: readonly string[] } | null,
  ): void {
    const cableRoles = new Map<string, PathRole>();
    const nodeRoles = new Map<string, PathRole>();
    for (const [path, role] of [
      [backup, 'backup'],
      [primary, 'primary'],
    ] as const) {
      if (!path) continue;
      for (const id of path.links) {
        const cable = this.model.links.get(id)?.cable;
        if (cable) cableRoles.set(cable, role);
      }
      for (const n of path.nodes) nodeRoles.set(n, role);
    }
    const touchedCables = new Set([...this.roles.keys(), ...cableRoles.keys()]);
    const touchedNodes = new Set([...this.nodeRoles.keys(), ...nodeRoles.keys()]);
    this.roles = cableRoles;
    this.nodeRoles = nodeRoles;
    for (const c of touchedCables) this.syncCable(c);
    for (const n of touchedNodes) {
      if (this.graph.hasNode(n)) this.graph.setNodeAttribute(n, 'role', nodeRoles.get(n) ?? null);
    }
  }

  /** Emphasise one node (search result); null clears. */
  setFocus(id: string | null): void {
    if (this.focused && this.graph.hasNode(this.focused)) this.graph.setNodeAttribute(this.focused, 'focus', false);
    this.focused = id && this.graph.hasNode(id) ? id : null;
    if (this.focused) this.graph.setNodeAttribute(this.focused, 'focus', true);
  }

  /** Centre the camera on a node and zoom in. */
  zoomTo(id: string, durationMs = 400): void {
    const d = this.sigma.getNodeDisplayData(id);
    if (!d) return;
    this.sigma.getCamera().animate({ x: d.x, y: d.y, ratio: 0.12 }, { duration: durationMs });
  }

  /** Viewport (CSS pixel) position of a node, or of the middle of a cable. */
  viewportPointOfNode(id: string): { x: number; y: number } | null {
    if (!this.graph.hasNode(id)) return null;
    const a = this.graph.getNodeAttributes(id);
    return this.sigma.graphToViewport({ x: a.x, y: a.y });
  }

  viewportPointOfCable(cable: string): { x: number; y: number } | null {
    if (!this.graph.hasEdge(cable)) return null;
    const [s, t] = this.graph.extremities(cable);
    const a = this.graph.getNodeAttributes(s);
    const b = this.graph.getNodeAttributes(t);
    return this.sigma.graphToViewport({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  }

  roleOfCable(cable: string): PathRole {
    return this.roles.get(cable) ?? null;
  }

  private nodeAttrs(id: string, x: number, y: number): NodeAttrs {
    const n = this.model.nodes.get(id)!;
    const kind = KIND_STYLE[n.kind] ?? KIND_STYLE.switch;
    return {
      x,
      y,
      size: kind.size,
      color: nodeColor(n, this.palette),
      shape: kind.shape,
      label: n.name || n.id,
      focus: this.focused === id,
      role: this.nodeRoles.get(id) ?? null,
    };
  }

  private syncCable(cable: string): void {
    const directions = this.model.directionsOf(cable);
    const g = this.graph;
    if (directions.length === 0) {
      if (g.hasEdge(cable)) g.dropEdge(cable);
      return;
    }
    const first = directions[0];
    if (!g.hasNode(first.src) || !g.hasNode(first.dst)) return;
    const role = this.roles.get(cable) ?? null;
    const style = cableStyle(directions, role);
    const attrs: EdgeAttrs = {
      kind: 'cable',
      size: style.size,
      color: style.color,
      dashSize: style.down ? DOWN_DASH_PX : 0,
      role,
      style,
    };
    if (g.hasEdge(cable)) g.replaceEdgeAttributes(cable, attrs);
    else g.addEdgeWithKey(cable, first.src, first.dst, attrs);
  }
}
