import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from '../../../src/topology/topology-loader.js';
import { liveViewSuite, ROOT, type SdncWindow, startController } from './web-harness.js';

const topo = loadTopologyFile(`${ROOT}/topology/mini.yaml`);

describe('web view across a controller restart', () => {
  const view = liveViewSuite(() => topo);

  it('shows reconnecting, then reconnects by itself and resynchronises to the new controller state', async () => {
    const { page } = view.browser;
    const port = view.ctl.port;
    await view.ctl.close();
    await page.waitForFunction(() => (window as unknown as SdncWindow).__sdnc.status === 'reconnecting', null, { timeout: 5000 });
    expect(await page.locator('#status').textContent()).toBe('reconnecting');

    // The restarted controller has one cable down: the page must learn it from the new snapshot.
    const cable = topo.links[0].cable;
    const links = topo.links.map((l) => (l.cable === cable ? { ...l, adminUp: false } : l));
    view.ctl = await startController(topo.nodes, links, { port });
    await page.waitForFunction(() => (window as unknown as SdncWindow).__sdnc.status === 'connected', null, { timeout: 10_000 });
    await page.waitForFunction((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id)?.down === true, `${cable}.a`, {
      timeout: 2000,
    });
    const s = await page.evaluate(() => {
      const h = (window as unknown as SdncWindow).__sdnc;
      return { snapshots: h.stats.snapshots, nodes: h.nodeCount, cables: h.edgeCount };
    });
    expect(s.snapshots).toBe(2);
    expect(s.nodes).toBe(topo.nodes.length);
    expect(s.cables).toBe(new Set(topo.links.map((l) => l.cable)).size);
    // Live again: a change on the new controller arrives as a delta.
    view.ctl.store.setLinkOper(topo.links[1].id, false);
    await page.waitForFunction((id) => (window as unknown as SdncWindow).__sdnc.linkStyle(id)?.down === true, topo.links[1].id, {
      timeout: 1000,
    });
    // Closing the socket makes the browser log nothing; failed reconnect attempts may log connection errors.
    expect(view.browser.errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
  });
});
