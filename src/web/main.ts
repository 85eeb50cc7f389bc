import type { TopologyEvent } from '../model/events.js';
import { byId, h } from './dom.js';
import { EventStream, type StreamStatus } from './event-stream.js';
import { ATTACHMENT_PREFIX, GraphView } from './graph-view.js';
import { bindIntentForm } from './intent-form.js';
import { IntentPanel } from './intent-panel.js';
import { IntentModel } from './intent-view.js';
import { renderLegend } from './legend.js';
import { MapLayer } from './map-layer.js';
import { SearchBox } from './search-box.js';
import { installTestHooks, type ViewStats } from './test-hooks.js';
import { Tooltip } from './tooltip.js';
import { TopologyModel } from './topology-model.js';

/** Composition of the page: model, renderer, panels, and the live stream that feeds them. */
function start(): void {
  const model = new TopologyModel();
  const intents = new IntentModel();
  const view = new GraphView(byId('graph'), model);
  const map = new MapLayer(view.sigma as never);
  const tooltip = new Tooltip(byId('tooltip'));
  const stats: ViewStats = { status: 'connecting', snapshots: 0, events: 0, lastEventAt: 0, lastAppliedAt: 0 };
  const statusEl = byId('status');
  const countsEl = byId('counts');

  const panel = new IntentPanel({
    list: byId('intent-list'),
    detail: byId('intent-detail'),
    intents,
    links: model.links,
    onHighlight: (primary, backup) => view.setPathRoles(primary, backup),
  });
  const search = new SearchBox({
    form: byId<HTMLFormElement>('search'),
    input: byId<HTMLInputElement>('search-input'),
    result: byId('search-result'),
    suggestions: byId<HTMLDataListElement>('node-ids'),
    nodes: () => model.nodes.values(),
    onFound: (id) => {
      view.setFocus(id);
      view.zoomTo(id);
    },
  });
  bindIntentForm(byId<HTMLFormElement>('intent-form'), byId('form-message'), (v) => {
    intents.update(v.id, v);
    panel.select(v.id);
  });

  const refreshChrome = (): void => {
    renderLegend(byId('legend'), view.palette.entries());
    search.refresh();
    const endpoints = [...model.nodes.values()].filter((n) => n.kind === 'endpoint');
    byId('endpoint-ids').replaceChildren(...endpoints.slice(0, 500).map((n) => h('option', { value: n.id }, n.name)));
    countsEl.textContent = `${model.nodes.size} nodes, ${view.cableCount} links`;
  };

  const setStatus = (s: StreamStatus): void => {
    stats.status = s;
    statusEl.textContent = s;
    statusEl.className = `status status-${s}`;
  };

  const stream = new EventStream({
    url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/events`,
    onStatus: setStatus,
    onSnapshot: (msg) => {
      model.replace(msg.topology.nodes, msg.topology.links);
      intents.replace(msg.intents);
      view.rebuild();
      panel.render();
      refreshChrome();
      stats.snapshots++;
      stats.lastAppliedAt = Date.now();
    },
    onEvent: (msg) => {
      const e = msg.event;
      stats.events++;
      stats.lastEventAt = msg.time;
      if (e.type === 'intent-updated') {
        intents.update(e.intentId, e.intent);
        panel.render();
      } else if (e.type === 'intent-removed') {
        intents.remove(e.intentId);
        panel.render();
      } else {
        const change = model.apply(e as TopologyEvent);
        view.update(change);
        if (change.shape || change.nodes.length > 0) refreshChrome();
        // Measured latency of the selected intent's path follows link updates.
        if (change.cables.length > 0 && panel.selectedId) panel.render();
      }
      stats.lastAppliedAt = Date.now();
    },
  });

  view.sigma.on('enterEdge', ({ edge, event }) => {
    if (edge.startsWith(ATTACHMENT_PREFIX)) {
      const n = model.nodes.get(edge.slice(ATTACHMENT_PREFIX.length));
      if (n) tooltip.showNode(n, clientX(event), clientY(event));
    } else {
      tooltip.showLink(edge, model.directionsOf(edge), clientX(event), clientY(event));
    }
  });
  view.sigma.on('leaveEdge', () => tooltip.hide());
  view.sigma.on('enterNode', ({ node, event }) => {
    const n = model.nodes.get(node);
    if (n) tooltip.showNode(n, clientX(event), clientY(event));
  });
  view.sigma.on('leaveNode', () => tooltip.hide());
  view.sigma.on('clickStage', () => view.setFocus(null));

  installTestHooks({ model, intents, view, map, tooltip, panel, stream, stats });
  void loadOutline(map);
  stream.start();
}

function clientX(e: { original: MouseEvent | TouchEvent; x: number }): number {
  return 'clientX' in e.original ? e.original.clientX : e.x;
}

function clientY(e: { original: MouseEvent | TouchEvent; y: number }): number {
  return 'clientY' in e.original ? e.original.clientY : e.y;
}

async function loadOutline(map: MapLayer): Promise<void> {
  try {
    const res = await fetch('europe.geo.json');
    if (res.ok) map.setOutline(await res.json());
  } catch {
    // The map still works without the outline; nothing else depends on it.
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
