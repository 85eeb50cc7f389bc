import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerIntentRoutes } from '../../../src/northbound/routes/intent-routes.js';
import { registerWebRoutes } from '../../../src/northbound/routes/web-routes.js';
import { buildServer } from '../../../src/northbound/server.js';
import { IntentHarness } from '../../unit/intent/intent-harness.js';
import { type BrowserSession, ensureWebBuilt, openLivePage, type SdncWindow, screenshot, WEB_DIR } from './web-harness.js';

type W = SdncWindow;

/**
 * The intent panel and form against the real intent engine (path engine, admission ledger, intent store,
 * flow service over fake switches) behind the real REST server. The diamond topology has no coordinates,
 * so this also exercises the layout of nodes without a location.
 */
describe('web view: intents through the form, the list and the map', () => {
  let h: IntentHarness;
  let app: FastifyInstance;
  let url: string;
  let browser: BrowserSession;

  beforeAll(async () => {
    ensureWebBuilt();
    h = await IntentHarness.create();
    app = await buildServer({
      topology: h.topology,
      bus: h.bus,
      intentsSnapshot: () => h.intents.list(),
      extraRoutes: [(a) => registerIntentRoutes(a, { intents: h.intents }), (a) => registerWebRoutes(a, { root: WEB_DIR })],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await openLivePage(url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    h?.intents.stop();
  });

  it('creates an intent from the form; it is listed as installed and its paths are highlighted', async () => {
    const { page } = browser;
    await page.fill('#intent-form input[name=src]', 'h1');
    await page.fill('#intent-form input[name=dst]', 'h2');
    await page.fill('#intent-form input[name=bandwidthMbps]', '100');
    await page.fill('#intent-form input[name=maxLatencyMs]', '10');
    await page.selectOption('#intent-form select[name=protection]', 'link-disjoint');
    await page.click('#intent-form button[type=submit]');

    await page.waitForFunction(() => /installed/.test(document.querySelector('#form-message')?.textContent ?? ''), null, {
      timeout: 5000,
    });
    const [intent] = h.intents.list();
    expect(intent.state).toBe('installed');
    await page.waitForSelector(`#intent-list li[data-intent="${intent.id}"][data-state=installed]`, { timeout: 1000 });
    // The new intent is selected: primary over the 1 ms side, link-disjoint backup over the 2 ms side.
    await page.waitForFunction((id) => (window as unknown as W).__sdnc.selectedIntent === id, intent.id);
    const roles = await page.evaluate(() => (window as unknown as W).__sdnc.highlightedCables());
    expect(roles).toEqual({ 's1-s2': 'primary', 's2-s4': 'primary', 's1-s3': 'backup', 's3-s4': 'backup' });
    const primaryStyle = await page.evaluate(() => (window as unknown as W).__sdnc.linkStyle('s1-s2.a'));
    expect(primaryStyle).toMatchObject({ role: 'primary', color: '#1f5fd6' });
    // Measured latency (nothing measured yet: configured values) against the bound.
    const measured = await page.locator('#intent-detail [data-measured-ms]').getAttribute('data-measured-ms');
    expect(Number(measured)).toBeCloseTo(2, 6);
    expect(await page.locator('#intent-detail').textContent()).toContain('2 ms of 10 ms bound');
    await screenshot(page, 'intent-installed');

    // A measured latency that breaks the bound shows as violated, live.
    h.topo.setMeasuredLatency('s1-s2.a', 9.5, 0.2);
    await page.waitForFunction(
      () => document.querySelector('#intent-detail [data-measured-ms]')?.getAttribute('data-measured-ms') === '10.5',
      null,
      { timeout: 1000 },
    );
    expect(await page.locator('#intent-detail .latency-violated').count()).toBe(1);
    expect(browser.errors).toEqual([]);
  });

  it('shows the API error code and message as they are when the request is refused', async () => {
    const { page } = browser;
    const body = { endpoints: { src: 'h1', dst: 'no-such-host' }, bandwidthMbps: 100, protection: 'none' };
    const direct = (await (
      await fetch(`${url}/api/v1/intents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { code: string; message: string };
    expect(direct.code).toMatch(/^SDNC_ERR_/);
    await page.fill('#intent-form input[name=dst]', 'no-such-host');
    await page.fill('#intent-form input[name=maxLatencyMs]', '');
    await page.selectOption('#intent-form select[name=protection]', 'none');
    await page.click('#intent-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#form-message')?.classList.contains('error'), null, {
      timeout: 5000,
    });
    expect(await page.locator('#form-message').textContent()).toBe(`${direct.code}: ${direct.message}`);
    await screenshot(page, 'intent-error');
    // The browser itself logs every refused request as a failed resource load; that is the only error.
    const refused = browser.errors.splice(0);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/Failed to load resource: the server responded with a status of 4\d\d/);
  });

  it('withdraws the selected intent with its button', async () => {
    const { page } = browser;
    const [intent] = h.intents.list();
    await page.click('#intent-detail button[data-action=withdraw]');
    await page.waitForFunction(
      (id) => {
        const s = (window as unknown as W).__sdnc.intentStates()[id];
        return s === undefined || s === 'withdrawn';
      },
      intent.id,
      { timeout: 5000 },
    );
    await page.waitForFunction(() => Object.keys((window as unknown as W).__sdnc.highlightedCables()).length === 0, null, {
      timeout: 2000,
    });
    expect(h.topo.getLink('s1-s2.a').reservedMbps).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
