import type { TopoLink, TopoNode } from '../model/topology.js';
import { type Child, fmtMbps, fmtMs, h } from './dom.js';
import { utilisationOf } from './link-style.js';

/** A floating box next to the pointer with the details of the hovered node or link. */
export class Tooltip {
  constructor(private readonly el: HTMLElement) {}

  showLink(cable: string, directions: readonly TopoLink[], x: number, y: number): void {
    const rows: Child[] = [];
    for (const l of directions) {
      const down = !l.adminUp || !l.operUp;
      const state = !l.adminUp ? 'admin down' : !l.operUp ? 'down' : 'up';
      rows.push(
        h(
          'tr',
          {},
          h('td', { colspan: '2' }, h('b', {}, `${l.src} -> ${l.dst}`), ' ', h('span', { class: down ? 'down' : '' }, state)),
        ),
        h(
          'tr',
          {},
          h('td', {}, 'latency'),
          h('td', {}, `configured ${fmtMs(l.latencyMs)}, measured ${fmtMs(l.measuredLatencyMs)}`),
        ),
        h('tr', {}, h('td', {}, 'capacity'), h('td', {}, fmtMbps(l.capacityMbps))),
        h('tr', {}, h('td', {}, 'reserved'), h('td', {}, `${fmtMbps(l.reservedMbps)} (${Math.round(utilisationOf(l) * 100)} %)`)),
      );
    }
    const provider = directions[0]?.provider;
    this.show(
      h('div', { 'data-cable': cable }, h('b', {}, cable), provider ? ` - ${provider}` : '', h('table', {}, ...rows)),
      x,
      y,
    );
  }

  showNode(n: TopoNode, x: number, y: number): void {
    const rows: [string, string | undefined][] = [
      ['id', n.id],
      ['kind', n.kind],
      ['provider', n.provider],
      ['jurisdiction', n.jurisdiction],
      ['datapath', n.datapathId],
      ['location', n.location ? `${n.location.lat.toFixed(3)}, ${n.location.lon.toFixed(3)}` : 'none (placed by layout)'],
      ['attached to', n.attachment ? `${n.attachment.node} port ${n.attachment.port}` : undefined],
      ['addresses', n.addresses?.join(', ')],
    ];
    this.show(
      h(
        'div',
        { 'data-node': n.id },
        h('b', {}, n.name || n.id),
        ' ',
        h('span', { class: n.operUp ? '' : 'down' }, n.operUp ? 'up' : 'down'),
        h('table', {}, ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v)))),
      ),
      x,
      y,
    );
  }

  hide(): void {
    this.el.hidden = true;
    this.el.replaceChildren();
  }

  get visibleText(): string {
    return this.el.hidden ? '' : (this.el.textContent ?? '');
  }

  private show(content: HTMLElement, x: number, y: number): void {
    this.el.replaceChildren(content);
    this.el.hidden = false;
    // Keep the box on screen: flip to the left/top of the pointer near the right/bottom edge.
    const w = this.el.offsetWidth;
    const hgt = this.el.offsetHeight;
    const left = x + 14 + w > window.innerWidth ? x - 14 - w : x + 14;
    const top = y + 14 + hgt > window.innerHeight ? y - 14 - hgt : y + 14;
    this.el.style.left = `${Math.max(0, left)}px`;
    this.el.style.top = `${Math.max(0, top)}px`;
  }
}
