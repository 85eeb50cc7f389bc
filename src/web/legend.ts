import { h } from './dom.js';
import { BACKUP_COLOR, DOWN_COLOR, PRIMARY_COLOR } from './link-style.js';
import { KIND_STYLE, type NodeShape, washOut } from './node-style.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Draws the legend: providers present (by colour), node kinds (by shape), link colours. */
export function renderLegend(el: HTMLElement, providers: readonly [string, string][]): void {
  const kinds = Object.values(KIND_STYLE).map((k) => h('div', { class: 'row' }, shapeIcon(k.shape, '#5d6670', k.size), k.label));
  el.replaceChildren(
    h('h3', {}, 'Providers'),
    ...providers.map(([name, color]) => h('div', { class: 'row', 'data-provider': name }, shapeIcon('circle', color, 10), name)),
    h('div', { class: 'row' }, shapeIcon('circle', washOut('#5d6670'), 10), 'pale: not connected'),
    h('h3', {}, 'Node kinds'),
    ...kinds,
    h('h3', {}, 'Links (reserved / capacity)'),
    h('div', { class: 'row' }, '0 %', h('span', { class: 'ramp' }), '100 %'),
    h('div', { class: 'row' }, lineIcon(DOWN_COLOR, true), 'down'),
    h('div', { class: 'row' }, lineIcon('#98a1ab', false, 1), 'endpoint attachment'),
    h('div', { class: 'row' }, lineIcon(PRIMARY_COLOR, false), 'selected intent: primary path'),
    h('div', { class: 'row' }, lineIcon(BACKUP_COLOR, false), 'selected intent: backup path'),
  );
}

function svg(width: number, height: number): SVGSVGElement {
  const s = document.createElementNS(SVG_NS, 'svg');
  s.setAttribute('width', String(width));
  s.setAttribute('height', String(height));
  s.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return s;
}

function shapeIcon(shape: NodeShape, color: string, size: number): SVGSVGElement {
  const box = 16;
  const r = Math.min(7, 3 + size / 3);
  const c = box / 2;
  const s = svg(box, box);
  let el: SVGElement;
  if (shape === 'circle') {
    el = document.createElementNS(SVG_NS, 'circle');
    el.setAttribute('cx', String(c));
    el.setAttribute('cy', String(c));
    el.setAttribute('r', String(r));
  } else {
    const pts =
      shape === 'square'
        ? [
            [c - r, c - r],
            [c + r, c - r],
            [c + r, c + r],
            [c - r, c + r],
          ]
        : shape === 'triangle'
          ? [
              [c, c - r],
              [c + r, c + r * 0.8],
              [c - r, c + r * 0.8],
            ]
          : [
              [c, c - r],
              [c + r, c],
              [c, c + r],
              [c - r, c],
            ];
    el = document.createElementNS(SVG_NS, 'polygon');
    el.setAttribute('points', pts.map((p) => p.join(',')).join(' '));
  }
  el.setAttribute('fill', color);
  s.append(el);
  return s;
}

function lineIcon(color: string, dashed: boolean, width = 3): SVGSVGElement {
  const s = svg(28, 10);
  const line = document.createElementNS(SVG_NS, 'line');
  line.setAttribute('x1', '1');
  line.setAttribute('y1', '5');
  line.setAttribute('x2', '27');
  line.setAttribute('y2', '5');
  line.setAttribute('stroke', color);
  line.setAttribute('stroke-width', String(width));
  if (dashed) line.setAttribute('stroke-dasharray', '5 4');
  s.append(line);
  return s;
}
