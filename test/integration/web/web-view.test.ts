import { describe, expect, it } from 'vitest';
import type { TopoLink } from '../../../src/model/topology.js';
import { loadTopologyFile } from '../../../src/topology/topology-loader.js';
import { liveViewSuite, ROOT, type SdncWindow, screenshot } from './web-harness.js';

const topo = loadTopologyFile(`${ROOT}/topology/eu-continuum.yaml`);
const cables = new Set(topo.links.map((l) => l.cable));

/** Mercator ordinate in degrees, written out independently of the page's projection code. */
function mercatorY(latDeg: number): number {
  const phi = (latDeg * Math.PI) / 180;
  return (Math.log(Math.tan(Math.PI / 4 + phi / 2)) * 180) / Math.PI;
}

const EXPECTED_SHAPE: Record<string, string> = {
  'cloud-region': 'square',
  'telco-edge': 'triangle',
  exchange: 'diamond',
  switch: 'circle',
  endpoint: 'circle',
};

describe('web view against a live controller', () => {
  const view = liveViewSuite(() => topo);

  it('loads without console errors and draws every node and cable of the topology', async () => {
    const { page } = view.browser;
    const drawn = await page.evaluate(() => {
      const s = (window as unknown as SdncWindow).__sdnc;
      return { nodes: s.nodeIds().sort(), cables: s.cableIds().sort(), links: s.linkCount, status: s.status };
    });
    expect(drawn.status).toBe('connected');
    expect(drawn.nodes).toEqual(topo.nodes.map((n) => n.id).sort());
    expect(drawn.cables).toEqual([...cables].sort());
    expect(drawn.links).toBe(topo.links.length);
    expect(await page.locator('#status').textContent()).toBe('connected');
    await screenshot(page, 'eu-continuum');
    expect(view.browser.errors).toEqual([]);
  });

  it('places sites at their projected coordinates, shapes nodes by kind and colours them by provider', async () => {
    const styles = await view.browser.page.evaluate(
      (ids) => Object.fromEntries(ids.map((id) => [id, (window as unknown as SdncWindow).__sdnc.nodeStyle(id)])),
      topo.nodes.map((n) => n.id),
    );
    // One colour per provider and state (sites with a switch are down, drawn pale, until it connects).
    const colourOf = new Map<string, string>();
    const spot = (lon: number, lat: number) => `${Math.round(lon / 0.05)},${Math.round(lat / 0.05)}`;
    const sitesAt = new Map<string, number>();
    for (const n of topo.nodes) {
      if (n.kind !== 'endpoint' && n.location)
        sitesAt.set(spot(n.location.lon, n.location.lat), (sitesAt.get(spot(n.location.lon, n.location.lat)) ?? 0) + 1);
    }
    let exact = 0;
    for (const n of topo.nodes) {
      const s = styles[n.id]!;
      expect(s.shape, n.id).toBe(EXPECTED_SHAPE[n.kind]);
      if (n.kind !== 'endpoint' && n.location) {
        const dx = s.x - n.location.lon;
        const dy = s.y - mercatorY(n.location.lat);
        // Sites sharing a spot (two providers in one campus) are spread 0.6 degrees around one of them.
        if (sitesAt.get(spot(n.location.lon, n.location.lat)) === 1) {
          expect(Math.hypot(dx, dy), n.id).toBeLessThan(1e-6);
          exact++;
        } else {
          expect(Math.hypot(dx, dy), n.id).toBeLessThan(0.7);
        }
      }
      const key = `${n.provider}/${n.operUp}`;
      const known = colourOf.get(key);
      if (known) expect(s.color, n.id).toBe(known);
      else colourOf.set(key, s.color);
    }
    expect(exact).toBeGreaterThan(20);
    const providers = new Set(topo.nodes.map((n) => n.provider));
    const distinct = new Set([...providers].map((p) => colourOf.get(`${p}/false`) ?? colourOf.get(`${p}/true`)));
    expect(distinct.size).toBe(providers.size);
    // Endpoints inherit their site's location in this file; they are drawn on a ring around the site instead.
    const ep = topo.nodes.find((n) => n.kind === 'endpoint' && n.attachment)!;
    const site = styles[ep.attachment!.node]!;
    const d = Math.hypot(styles[ep.id]!.x - site.x, styles[ep.id]!.y - site.y);
    expect(d).toBeGreaterThan(1);
    expect(d).toBeLessThan(3);
  });

  it('shows a link set down through the REST API as down within 1 s, and back up after', async () => {
    const { page } = view.browser;
    const cable = topo.links[0].cable;
    const before = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id), `${cable}.a`);
    expect(before?.dashed).toBe(false);

    const started = Date.now();
    const res = await fetch(`${view.ctl.url}/api/v1/links/${cable}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ adminUp: false }),
    });
    expect(res.status).toBe(200);
    await page.waitForFunction(
      (id) => {
        const s = (window as unknown as SdncWindow).__sdnc.linkStyle(id);
        return s?.down === true && s.dashed;
      },
      `${cable}.a`,
      { timeout: 1000, polling: 'raf' },
    );
    const elapsedMs = Date.now() - started;
    console.log(`link down shown ${elapsedMs} ms after the PATCH was sent`);
    expect(elapsedMs).toBeLessThan(1000);
    const down = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id), `${cable}.b`);
    expect(down).toMatchObject({ cable, dashed: true, down: true, color: '#6b6b6b' });

    // Hovering the link shows both directions with configured and measured latency, capacity, reservation.
    const pt = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkViewportPoint(id), cable);
    const box = (await page.locator('#graph').boundingBox())!;
    await page.evaluate((id) => {
      const s = (window as unknown as SdncWindow).__sdnc;
      return s.linkViewportPoint(id);
    }, cable);
    await page.mouse.move(box.x + pt!.x, box.y + pt!.y);
    await page.waitForFunction(() => (window as unknown as SdncWindow).__sdnc.tooltipText.length > 0, null, { timeout: 2000 });
    const tip = await page.evaluate(() => (window as unknown as SdncWindow).__sdnc.tooltipText);
    const a = topo.links.find((l) => l.id === `${cable}.a`)!;
    expect(tip).toContain(cable);
    expect(tip).toContain(`${a.src} -> ${a.dst}`);
    expect(tip).toContain('admin down');
    expect(tip).toContain(`configured ${Math.round(a.latencyMs * 100) / 100} ms, measured not measured`);
    expect(tip).toContain('reserved');
    await screenshot(page, 'link-down-tooltip');
    await page.mouse.move(5, 5);

    await fetch(`${view.ctl.url}/api/v1/links/${cable}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ adminUp: true }),
    });
    await page.waitForFunction((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id)?.dashed === false, `${cable}.a`, {
      timeout: 1000,
    });
  });

  it('colours a link by utilisation as reservations change, and shows measured latency on hover', async () => {
    const { page } = view.browser;
    const link = topo.links.find((l) => l.capacityMbps >= 1000) as TopoLink;
    const green = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id)?.color, link.id);
    expect(green).toBe('#2e9e44');
    view.ctl.store.adjustReserved(link.id, link.capacityMbps * 0.95);
    view.ctl.store.setMeasuredLatency(link.id, 7.25, 0.1);
    await page.waitForFunction(
      (id) => {
        const s = (window as unknown as SdncWindow).__sdnc.linkStyle(id);
        return s !== null && s.utilisation > 0.94;
      },
      link.id,
      { timeout: 1000 },
    );
    const hot = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id), link.id);
    expect(hot?.color).toBe('#d7263d');
    const half = view.ctl.store.adjustReserved(link.id, -link.capacityMbps * 0.45);
    expect(half.reservedMbps / half.capacityMbps).toBeCloseTo(0.5, 6);
    await page.waitForFunction((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id)?.color === '#f0a30a', link.id, {
      timeout: 1000,
    });

    const pt = await page.evaluate((id) => (window as unknown as SdncWindow).__sdnc.linkViewportPoint(id), link.id);
    const box = (await page.locator('#graph').boundingBox())!;
    await page.mouse.move(box.x + pt!.x, box.y + pt!.y);
    await page.waitForFunction(() => (window as unknown as SdncWindow).__sdnc.tooltipText.includes('measured 7.25 ms'), null, {
      timeout: 2000,
    });
    await page.mouse.move(5, 5);
    view.ctl.store.adjustReserved(link.id, -half.reservedMbps);
  });

  it('finds a node by name, focuses and zooms to it', async () => {
    const { page } = view.browser;
    const target = topo.nodes.find((n) => n.kind === 'cloud-region')!;
    const ratioBefore = await page.evaluate(() => (window as unknown as SdncWindow).__sdnc.cameraState().ratio);
    await page.fill('#search-input', target.name.toLowerCase());
    await page.click('#search button[type=submit]');
    await page.waitForFunction((id) => (window as unknown as SdncWindow).__sdnc.nodeStyle(id)?.focus === true, target.id);
    await page.waitForFunction((r) => (window as unknown as SdncWindow).__sdnc.cameraState().ratio < r / 2, ratioBefore, {
      timeout: 3000,
    });
    expect(await page.locator('#search-result').textContent()).toBe(`found ${target.id}`);
    await screenshot(page, 'search-focus');
    await page.fill('#search-input', 'no-such-node-anywhere');
    await page.click('#search button[type=submit]');
    expect(await page.locator('#search-result').textContent()).toBe('no such node');
    expect(view.browser.errors).toEqual([]);
  });
});
