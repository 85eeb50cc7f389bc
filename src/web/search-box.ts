import type { TopoNode } from '../model/topology.js';
import { h } from './dom.js';

/**
 * Finds a node by exact id, exact name, or else the first id/name containing the text (case-insensitive).
 * Returns the node id, or undefined.
 */
export function findNode(nodes: Iterable<TopoNode>, query: string): string | undefined {
  const q = query.trim().toLowerCase();
  if (q === '') return undefined;
  let partial: string | undefined;
  for (const n of nodes) {
    const id = n.id.toLowerCase();
    const name = (n.name ?? '').toLowerCase();
    if (id === q || name === q) return n.id;
    if (partial === undefined && (id.includes(q) || name.includes(q))) partial = n.id;
  }
  return partial;
}

export interface SearchBoxDeps {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  readonly result: HTMLElement;
  readonly suggestions: HTMLDataListElement;
  readonly nodes: () => Iterable<TopoNode>;
  readonly onFound: (id: string) => void;
}

/** The node search: a datalist of ids for completion, and focus + zoom on submit. */
export class SearchBox {
  constructor(private readonly deps: SearchBoxDeps) {
    deps.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = findNode(deps.nodes(), deps.input.value);
      deps.result.textContent = id ? `found ${id}` : 'no such node';
      if (id) deps.onFound(id);
    });
  }

  /** Refresh completions; capped so a 2,000-node topology does not make a huge datalist. */
  refresh(): void {
    const options: HTMLOptionElement[] = [];
    for (const n of this.deps.nodes()) {
      if (options.length >= 500) break;
      options.push(h('option', { value: n.id }, n.name && n.name !== n.id ? n.name : ''));
    }
    this.deps.suggestions.replaceChildren(...options);
  }
}
