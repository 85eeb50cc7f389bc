import type { TopologyEvent } from '../model/events.js';
import type { TopoLink, TopoNode } from '../model/topology.js';

/** What an update touched, so the view redraws only that (and re-lays out only on shape changes). */
export interface TopologyChange {
  /** Nodes or links were added or removed. */
  readonly shape: boolean;
  readonly nodes: readonly string[];
  readonly cables: readonly string[];
}

/**
 * The page's copy of the controller's topology, kept from the WebSocket snapshot and the events after it.
 * Directed links are grouped by cable because the view draws one line per physical link.
 */
export class TopologyModel {
  readonly nodes = new Map<string, TopoNode>();
  readonly links = new Map<string, TopoLink>();
  private readonly cableLinks = new Map<string, Set<string>>();

  replace(nodes: readonly TopoNode[], links: readonly TopoLink[]): void {
    this.nodes.clear();
    this.links.clear();
    this.cableLinks.clear();
    for (const n of nodes) this.nodes.set(n.id, n);
    for (const l of links) this.putLink(l);
  }

  apply(event: TopologyEvent): TopologyChange {
    switch (event.type) {
      case 'node-added':
      case 'node-updated': {
        const shape = !this.nodes.has(event.node.id);
        this.nodes.set(event.node.id, event.node);
        return { shape, nodes: [event.node.id], cables: [] };
      }
      case 'node-removed': {
        this.nodes.delete(event.id);
        return { shape: true, nodes: [event.id], cables: [] };
      }
      case 'link-added':
      case 'link-updated': {
        const known = this.links.get(event.link.id);
        // A cable's identity is its id; endpoints never change (the store enforces it), but be safe.
        const shape = known === undefined || known.cable !== event.link.cable;
        if (known && shape) this.dropLink(known);
        this.putLink(event.link);
        return { shape, nodes: [], cables: known && shape ? [known.cable, event.link.cable] : [event.link.cable] };
      }
      case 'link-removed': {
        const known = this.links.get(event.id);
        if (!known) return { shape: false, nodes: [], cables: [] };
        this.dropLink(known);
        return { shape: true, nodes: [], cables: [known.cable] };
      }
    }
  }

  cables(): IterableIterator<string> {
    return this.cableLinks.keys();
  }

  /** Directed links of a cable, a-direction first. */
  directionsOf(cable: string): TopoLink[] {
    const ids = this.cableLinks.get(cable);
    if (!ids) return [];
    return [...ids]
      .sort()
      .map((id) => this.links.get(id))
      .filter((l): l is TopoLink => l !== undefined);
  }

  private putLink(link: TopoLink): void {
    this.links.set(link.id, link);
    let set = this.cableLinks.get(link.cable);
    if (!set) {
      set = new Set();
      this.cableLinks.set(link.cable, set);
    }
    set.add(link.id);
  }

  private dropLink(link: TopoLink): void {
    this.links.delete(link.id);
    const set = this.cableLinks.get(link.cable);
    set?.delete(link.id);
    if (set && set.size === 0) this.cableLinks.delete(link.cable);
  }
}
