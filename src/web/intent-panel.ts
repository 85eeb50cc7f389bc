import type { TopoLink } from '../model/topology.js';
import { apiRequest, describeFailure } from './api-client.js';
import { type Child, fmtMbps, fmtMs, h } from './dom.js';
import {
  formatEndpoints,
  forwardPaths,
  type IntentModel,
  type IntentPathView,
  type IntentView,
  measuredPathLatencyMs,
} from './intent-view.js';

export interface IntentPanelDeps {
  readonly list: HTMLElement;
  readonly detail: HTMLElement;
  readonly intents: IntentModel;
  readonly links: ReadonlyMap<string, TopoLink>;
  /** Called with the selected intent's forward paths (or null) so the map can highlight them. */
  readonly onHighlight: (primary: IntentPathView | null, backup: IntentPathView | null) => void;
}

/**
 * The intent list with states, and the selected intent's detail: its paths, the latency measured along
 * the primary path against the bound, and a withdraw button. Re-rendered on every intent or link change,
 * so measured latency and states stay live.
 */
export class IntentPanel {
  private selected: string | null = null;

  constructor(private readonly deps: IntentPanelDeps) {
    deps.list.addEventListener('click', (ev) => {
      const li = (ev.target as HTMLElement).closest<HTMLElement>('li[data-intent]');
      if (li?.dataset.intent) this.select(li.dataset.intent === this.selected ? null : li.dataset.intent);
    });
  }

  get selectedId(): string | null {
    return this.selected;
  }

  select(id: string | null): void {
    this.selected = id;
    this.render();
  }

  render(): void {
    const { intents, list } = this.deps;
    if (this.selected && !intents.intents.has(this.selected)) this.selected = null;
    const items = intents
      .sorted()
      .map((v) =>
        h(
          'li',
          { 'data-intent': v.id, 'data-state': v.state, class: v.id === this.selected ? 'selected' : undefined, title: v.id },
          h('span', { class: `state state-${v.state}` }, v.state),
          h('span', { class: 'intent-id' }, shortId(v.id)),
          h('span', { class: 'intent-ends' }, formatEndpoints(v)),
        ),
      );
    list.replaceChildren(...(items.length > 0 ? items : [h('li', { class: 'empty' }, 'No intents yet')]));
    this.renderDetail();
  }

  private renderDetail(): void {
    const { detail, intents, onHighlight } = this.deps;
    const v = this.selected ? intents.intents.get(this.selected) : undefined;
    if (!v) {
      detail.hidden = true;
      detail.replaceChildren();
      onHighlight(null, null);
      return;
    }
    const { primary, backup, active } = forwardPaths(v);
    onHighlight(primary, backup);
    const bound = v.spec?.maxLatencyMs;
    const rows: [string, Child][] = [
      ['intent', v.id],
      ['state', h('span', { class: `state state-${v.state}` }, v.state)],
      ['endpoints', formatEndpoints(v)],
      ['bandwidth', v.spec?.bandwidthMbps !== undefined ? fmtMbps(v.spec.bandwidthMbps) : '-'],
      ['latency bound', bound !== undefined && bound !== null ? fmtMs(bound) : 'none'],
      ['protection', v.spec?.protection ?? 'none'],
    ];
    if (primary) {
      const m = measuredPathLatencyMs(primary, this.deps.links);
      const ok = bound === undefined || bound === null || m.latencyMs <= bound;
      rows.push(
        [
          'measured latency',
          h(
            'span',
            { class: ok ? 'latency-ok' : 'latency-violated', 'data-measured-ms': String(m.latencyMs) },
            bound !== undefined && bound !== null ? `${fmtMs(m.latencyMs)} of ${fmtMs(bound)} bound` : fmtMs(m.latencyMs),
            m.unknownLinks > 0 ? ` (${m.unknownLinks} links gone)` : '',
          ),
        ],
        ['primary path', h('span', { class: 'path-primary' }, pathText(primary), active === 'primary' ? '' : ' (standby)')],
      );
    }
    if (backup)
      rows.push(['backup path', h('span', { class: 'path-backup' }, pathText(backup), active === 'backup' ? ' (active)' : '')]);
    if (v.reason?.message)
      rows.push(['reason', h('span', { class: 'error' }, `${v.reason.code ?? ''} ${v.reason.message}`.trim())]);
    const message = h('p', { class: 'form-message', 'data-role': 'withdraw-message' });
    const withdraw = h('button', { type: 'button', 'data-action': 'withdraw' }, 'Withdraw');
    withdraw.addEventListener('click', () => void this.withdraw(v, message));
    detail.hidden = false;
    detail.replaceChildren(h('dl', {}, ...rows.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])), withdraw, message);
  }

  private async withdraw(v: IntentView, message: HTMLElement): Promise<void> {
    message.textContent = 'Withdrawing...';
    message.className = 'form-message';
    const res = await apiRequest<unknown>('DELETE', `/intents/${encodeURIComponent(v.id)}`);
    if (res.ok) {
      message.textContent = 'Withdrawal accepted';
      message.className = 'form-message ok';
    } else {
      message.textContent = describeFailure(res);
      message.className = 'form-message error';
    }
  }
}

function pathText(p: IntentPathView): string {
  return `${p.nodes.join(' > ')} (${fmtMs(p.latencyMs)} computed)`;
}

function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}..` : id;
}
