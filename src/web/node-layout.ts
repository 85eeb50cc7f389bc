import type { TopoLink, TopoNode } from '../model/topology.js';
import { type ProjectedPoint, projectLonLat } from './geo-projection.js';

/** Where nodes without coordinates go when nothing anchors them: the Atlantic, west of Portugal. */
export const ORPHAN_RING_CENTRE: ProjectedPoint = projectLonLat(-17, 44);

/**
 * Positions every node in projected (Mercator) space. Nodes with coordinates sit on them, except endpoints
 * whose coordinates are (about) those of the node they are attached to - topology files let endpoints
 * inherit their site's location, and drawn there they would hide under the site. Those, and nodes without
 * coordinates, are placed on a ring around an anchor: an endpoint around the node it is attached to,
 * anything else around the centre of its already placed neighbours (repeated, so chains of unplaced
 * nodes resolve outwards), and what is left on one ring off the coast. Deterministic: the same topology
 * always gives the same picture, and siblings are ordered by id.
 */
export function layoutNodes(nodes: Iterable<TopoNode>, links: Iterable<TopoLink>): Map<string, ProjectedPoint> {
  const pos = new Map<string, ProjectedPoint>();
  const pending: TopoNode[] = [];
  const all = [...nodes];
  const byId = new Map(all.map((n) => [n.id, n]));
  const colocated = new Map<string, string[]>();
  for (const n of all) {
    if (n.location && !sitsOnItsAttachment(n, byId)) {
      pos.set(n.id, projectLonLat(n.location.lon, n.location.lat));
      const key = `${Math.round(n.location.lon / SAME_PLACE_DEG)},${Math.round(n.location.lat / SAME_PLACE_DEG)}`;
      colocated.set(key, [...(colocated.get(key) ?? []), n.id]);
    } else {
      pending.push(n);
    }
  }
  // Sites of different providers in one city (one data-centre campus) would cover each other.
  for (const ids of colocated.values()) {
    if (ids.length < 2) continue;
    ids.sort();
    placeOnRing(pos, pos.get(ids[0])!, ids, COLOCATED_RADIUS);
  }
  if (pending.length === 0) return pos;
  pending.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const neighbours = new Map<string, Set<string>>();
  for (const l of links) {
    addNeighbour(neighbours, l.src, l.dst);
    addNeighbour(neighbours, l.dst, l.src);
  }

  let left = pending;
  // Each pass places the nodes that touch a placed node; a chain of n unplaced nodes needs n passes.
  for (let pass = 0; left.length > 0 && pass < 8; pass++) {
    const groups = new Map<string, { centre: ProjectedPoint; members: string[] }>();
    const next: TopoNode[] = [];
    for (const n of left) {
      const anchor = anchorOf(n, pos, neighbours);
      if (!anchor) {
        next.push(n);
        continue;
      }
      let g = groups.get(anchor.key);
      if (!g) {
        g = { centre: anchor.centre, members: [] };
        groups.set(anchor.key, g);
      }
      g.members.push(n.id);
    }
    if (groups.size === 0) break;
    for (const g of groups.values()) placeOnRing(pos, g.centre, g.members, satelliteRadius(g.members.length));
    left = next;
  }
  if (left.length > 0) {
    placeOnRing(
      pos,
      ORPHAN_RING_CENTRE,
      left.map((n) => n.id),
      Math.max(1.5, (left.length * 0.5) / (2 * Math.PI)),
    );
  }
  return pos;
}

/** 0.05 degrees, about 5 km: closer than that, two places are drawn as one spot. */
const SAME_PLACE_DEG = 0.05;
/** Co-located sites are spread this far (projected degrees) around their common spot. */
export const COLOCATED_RADIUS = 0.6;

function sitsOnItsAttachment(n: TopoNode, byId: ReadonlyMap<string, TopoNode>): boolean {
  const site = n.attachment ? byId.get(n.attachment.node)?.location : undefined;
  if (!n.location || !site) return false;
  return Math.abs(site.lat - n.location.lat) < SAME_PLACE_DEG && Math.abs(site.lon - n.location.lon) < SAME_PLACE_DEG;
}

function anchorOf(
  n: TopoNode,
  pos: ReadonlyMap<string, ProjectedPoint>,
  neighbours: ReadonlyMap<string, Set<string>>,
): { key: string; centre: ProjectedPoint } | undefined {
  // Same key format as below, so a host and a switch hanging off the same site share one ring.
  const attached = n.attachment ? pos.get(n.attachment.node) : undefined;
  if (n.attachment && attached) return { key: `near:${n.attachment.node}`, centre: attached };
  const placed = [...(neighbours.get(n.id) ?? [])].filter((id) => pos.has(id)).sort();
  if (placed.length === 0) return undefined;
  let x = 0;
  let y = 0;
  for (const id of placed) {
    const p = pos.get(id)!;
    x += p.x;
    y += p.y;
  }
  return { key: `near:${placed.join(',')}`, centre: { x: x / placed.length, y: y / placed.length } };
}

/**
 * About 1.6 degrees clears a site's symbol at the initial framing; big rings grow so members keep about
 * 0.25 degrees apart and can be told apart once zoomed in.
 */
export function satelliteRadius(count: number): number {
  return Math.max(1.6, (count * 0.25) / (2 * Math.PI));
}

function placeOnRing(pos: Map<string, ProjectedPoint>, centre: ProjectedPoint, ids: readonly string[], radius: number): void {
  // Start at 12 o'clock so a lone satellite sits straight above its anchor, not on a neighbour's line.
  ids.forEach((id, i) => {
    const angle = Math.PI / 2 + (2 * Math.PI * i) / ids.length;
    pos.set(id, { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
  });
}

function addNeighbour(map: Map<string, Set<string>>, a: string, b: string): void {
  let s = map.get(a);
  if (!s) {
    s = new Set();
    map.set(a, s);
  }
  s.add(b);
}
