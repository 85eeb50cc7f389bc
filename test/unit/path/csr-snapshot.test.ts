import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { CsrSnapshot } from '../../../src/path/csr-snapshot.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { euStore } from './support/eu-sample.js';

describe('CsrSnapshot', () => {
  it('lays out out-edges, in-edges, cables and attributes consistently with the graph', () => {
    const { store } = euStore({ 'par-fra': { reservedMbps: 300 } });
    const s = new CsrSnapshot(store.nodes(), store.links(), store);
    expect(s.nodeCount).toBe(6);
    expect(s.edgeCount).toBe(16);
    for (const l of store.links()) {
      const e = s.slotOf.get(l.id) ?? -1;
      const u = s.indexOf(l.src);
      expect(s.linkIds[e]).toBe(l.id);
      expect(e).toBeGreaterThanOrEqual(s.outOffsets[u]);
      expect(e).toBeLessThan(s.outOffsets[u + 1]);
      expect(s.nodeIds[s.edgeDst[e]]).toBe(l.dst);
      const v = s.indexOf(l.dst);
      expect(Array.from(s.inSlots.subarray(s.inOffsets[v], s.inOffsets[v + 1]))).toContain(e);
      expect(s.linkIds[s.twin[e]]).toBe(l.id.endsWith('.a') ? l.id.replace(/\.a$/, '.b') : l.id.replace(/\.b$/, '.a'));
      expect(s.residualMbps[e]).toBe(l.capacityMbps - l.reservedMbps);
      expect(s.latencyMs[e]).toBe(l.latencyMs);
    }
    const fm = s.slotOf.get('fra-mun.a') ?? -1;
    expect(s.srlgs.names[s.srlgIds[s.srlgOffsets[fm]]]).toBe('rhine');
    expect(s.jurisdictions.names[s.nodeJurisdiction[s.indexOf('vie')]]).toBe('AT');
  });

  it('patches one slot in place and marks itself stale when the SRLG list changes', () => {
    const { store } = euStore();
    const s = new CsrSnapshot(store.nodes(), store.links(), store);
    const before = Array.from(s.latencyMs);
    const e = s.slotOf.get('par-ams.a') ?? -1;
    expect(s.patchLink({ ...store.getLink('par-ams.a'), measuredLatencyMs: 2.5, operUp: false, reservedMbps: 10 })).toBe(true);
    expect(s.latencyMs[e]).toBe(2.5);
    expect(s.usable[e]).toBe(0);
    expect(s.residualMbps[e]).toBe(990);
    expect(Array.from(s.latencyMs).filter((x, i) => x !== before[i])).toEqual([2.5]);
    expect(s.stale).toBe(false);
    expect(s.patchLink({ ...store.getLink('par-ams.a'), srlgs: ['new'] })).toBe(false);
    expect(s.stale).toBe(true);
  });
  it('pairs cables the same whether their two directions are listed together, apart or alone', () => {
    const { store } = euStore();
    const links = store.links();
    const cables = (s: CsrSnapshot) =>
      links.map((l) => {
        const e = s.slotOf.get(l.id) ?? -1;
        return [s.twin[e] < 0 ? null : s.linkIds[s.twin[e]], s.linkIds[s.cableIndex[e]].replace(/\.[ab]$/, '')];
      });
    const together = new CsrSnapshot(store.nodes(), links, store);
    const apart = new CsrSnapshot(
      store.nodes(),
      [...links.filter((_, i) => i % 2 === 0), ...links.filter((_, i) => i % 2 === 1)],
      store,
    );
    expect(cables(apart)).toEqual(cables(together));
    expect(cables(together).every(([t]) => t !== null)).toBe(true);
    const oneWay = new CsrSnapshot(
      store.nodes(),
      links.filter((l) => l.id !== 'par-fra.b'),
      store,
    );
    const e = oneWay.slotOf.get('par-fra.a') ?? -1;
    expect(oneWay.twin[e]).toBe(-1);
    expect(oneWay.cableIndex[e]).toBe(e);
    expect(Array.from(together.unit)).toEqual(new Array(together.edgeCount).fill(1));
    expect(together.unit).toBe(together.unit);
  });
});

describe('SnapshotKeeper', () => {
  it('re-patches from the store when it missed events', () => {
    const { store } = euStore();
    const keeper = new SnapshotKeeper(store, new EventBus());
    const s = keeper.current();
    store.setLinkOper('par-fra.a', false);
    store.adjustReserved('fra-mun.a', 250);
    expect(keeper.current()).toBe(s);
    expect(s.usable[s.slotOf.get('par-fra.a') ?? -1]).toBe(0);
    expect(s.residualMbps[s.slotOf.get('fra-mun.a') ?? -1]).toBe(750);
    expect(keeper.rebuildCount).toBe(1);
  });

  it('rebuilds after a shape change and after an unpatchable change', () => {
    const { store, bus } = euStore();
    const keeper = new SnapshotKeeper(store, bus);
    const s1 = keeper.current();
    store.updateLink('par-fra.a', (l) => ({ ...l, srlgs: ['alps'] }));
    const s2 = keeper.current();
    expect(s2).not.toBe(s1);
    store.removeNode('vie');
    const s3 = keeper.current();
    expect(s3.nodeCount).toBe(5);
    expect(keeper.rebuildCount).toBe(3);
    keeper.close();
  });
});
