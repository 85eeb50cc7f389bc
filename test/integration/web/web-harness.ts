import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { registerWebRoutes } from '../../../src/northbound/routes/web-routes.js';
import { buildServer } from '../../../src/northbound/server.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const WEB_DIR = join(ROOT, 'dist', 'web');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');
const CHROMIUM = process.env.SDNC_CHROMIUM ?? '/usr/bin/chromium';

/** Newest modification time of the files the bundle is made of. */
function newestSourceMs(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else newest = Math.max(newest, st.mtimeMs);
    }
  };
  walk(join(ROOT, 'src', 'web'));
  walk(join(ROOT, 'src', 'model'));
  return Math.max(newest, statSync(join(ROOT, 'scripts', 'build-web.mjs')).mtimeMs);
}

/**
 * Builds dist/web when it is missing or older than its sources. Test files run in parallel, so the
 * build is guarded by a lock file (created exclusively; a stale one is taken over after two minutes).
 */
export function ensureWebBuilt(): void {
  const app = join(WEB_DIR, 'app.js');
  const fresh = () =>
    existsSync(app) && existsSync(join(WEB_DIR, 'europe.geo.json')) && statSync(app).mtimeMs >= newestSourceMs();
  if (fresh()) return;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.web-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) unlinkSync(lock);
      if (Date.now() > deadline) throw new Error('timed out waiting for another web build');
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!fresh()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { force: true });
  }
}

export interface RunningController {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly port: number;
  readonly bus: EventBus;
  readonly store: TopologyStore;
  readonly topology: TopologyService;
  close(): Promise<void>;
}

/**
 * A real northbound server (REST, event stream, web routes) in this process over a topology store,
 * listening on 127.0.0.1 (port 0 = ephemeral unless `port` is given, e.g. to restart on the same one).
 */
export async function startController(
  nodes: readonly TopoNode[],
  links: readonly TopoLink[],
  opts: { port?: number; intentsSnapshot?: () => unknown[] } = {},
): Promise<RunningController> {
  const bus = new EventBus();
  const store = new TopologyStore(bus);
  for (const n of nodes) store.addNode(n);
  for (const l of links) store.addLink(l);
  const topology = new TopologyService(store);
  const app = await buildServer({
    topology,
    bus,
    intentsSnapshot: opts.intentsSnapshot,
    extraRoutes: [(a) => registerWebRoutes(a, { root: WEB_DIR })],
  });
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, port, bus, store, topology, close: () => app.close() };
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile, nothing phoning home. */
export async function openBrowser(viewport = { width: 1400, height: 850 }): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'sdnc-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh browser on `url`, once the page is live; `loadMs` counts from navigation to live. */
export async function openLivePage(url: string, liveTimeoutMs = 20_000): Promise<BrowserSession & { readonly loadMs: number }> {
  const browser = await openBrowser();
  const started = Date.now();
  await browser.page.goto(url);
  await waitForLive(browser.page, liveTimeoutMs);
  return { ...browser, loadMs: Date.now() - started };
}

/** What `liveViewSuite` sets up; `ctl` may be replaced by a test (e.g. a restart) and is closed after the suite. */
export interface LiveView {
  ctl: RunningController;
  browser: BrowserSession;
  loadMs: number;
}

/**
 * Registers the suite's beforeAll/afterAll: the web bundle built, a controller over the topology and a
 * browser showing it live; both closed afterwards. Fields are set once beforeAll has run.
 */
export function liveViewSuite(
  topology: () => { readonly nodes: readonly TopoNode[]; readonly links: readonly TopoLink[] },
  opts: { liveTimeoutMs?: number; setupTimeoutMs?: number } = {},
): LiveView {
  const view = {} as LiveView;
  beforeAll(async () => {
    ensureWebBuilt();
    const { nodes, links } = topology();
    view.ctl = await startController(nodes, links);
    const page = await openLivePage(view.ctl.url, opts.liveTimeoutMs);
    view.browser = page;
    view.loadMs = page.loadMs;
  }, opts.setupTimeoutMs ?? 120_000);
  afterAll(async () => {
    await view.browser?.close();
    await view.ctl?.close();
  });
  return view;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Page is connected, has applied a snapshot and drawn the outline. */
export async function waitForLive(page: Page, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { __sdnc?: { status: string; mapLoaded: boolean; stats: { snapshots: number } } }).__sdnc;
      return s !== undefined && s.status === 'connected' && s.mapLoaded && s.stats.snapshots > 0;
    },
    null,
    { timeout: timeoutMs },
  );
}

/** The read-only hooks the page exposes on `window.__sdnc` (src/web/test-hooks.ts), as tests use them. */
export interface SdncHooks {
  readonly status: string;
  readonly seq: number;
  readonly gaps: number;
  readonly stats: { snapshots: number; events: number; lastEventAt: number; lastAppliedAt: number };
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly linkCount: number;
  readonly mapLoaded: boolean;
  readonly tooltipText: string;
  readonly selectedIntent: string | null;
  renderStats(): { count: number; totalMs: number; maxMs: number; lastMs: number; meanMs: number };
  nodeIds(): string[];
  cableIds(): string[];
  nodeStyle(id: string): {
    x: number;
    y: number;
    size: number;
    color: string;
    shape: string;
    label: string;
    focus: boolean;
    role: string | null;
  } | null;
  linkStyle(id: string): {
    cable: string;
    color: string;
    size: number;
    dashed: boolean;
    down: boolean;
    utilisation: number;
    role: string | null;
  } | null;
  highlightedCables(): Record<string, string>;
  nodeViewportPoint(id: string): { x: number; y: number } | null;
  linkViewportPoint(id: string): { x: number; y: number } | null;
  cameraState(): { x: number; y: number; ratio: number; angle: number };
  intentStates(): Record<string, string>;
}

export type SdncWindow = Window & { readonly __sdnc: SdncHooks };
