/**
 * A tiny element builder. Text always goes in as text nodes, never as HTML: names and messages come from
 * the topology and the API and must not be able to inject markup.
 */
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'not measured';
  return `${Math.round(ms * 100) / 100} ms`;
}

export function fmtMbps(mbps: number): string {
  return mbps >= 1000 ? `${Math.round(mbps / 10) / 100} Gbit/s` : `${Math.round(mbps * 100) / 100} Mbit/s`;
}
