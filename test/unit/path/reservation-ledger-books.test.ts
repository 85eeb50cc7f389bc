import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../../../src/model/events.js';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import { euStore } from './support/eu-sample.js';
import { buildStore, cable, type LinkSpec } from './support/graph-builder.js';

function linkUpdates(events: readonly SequencedEvent[]): string[] {
  return events.flatMap(({ event }) => (event.type === 'link-updated' ? [event.link.id] : []));
}

/** A ring of `n` nodes with one cable between neighbours: 2n directed links. */
function ring(n: number, capacityMbps: number) {
  const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
  const links: LinkSpec[] = [];
  for (let i = 0; i < n; i++) links.push(...cable(`c${i}`, `n${i}`, `n${(i + 1) % n}`, 1, { capacityMbps }));
  return buildStore(nodes, links);
}

describe('ReservationLedger books', () => {
  it('keeps the graph equal to its books over more links than it starts with room for, in and out of batches', () => {
    // 700 links: the per-link books grow twice, and the batch queue fills with links booked and released.
    const { store } = ring(350, 500);
    const ledger = new ReservationLedger(store);
    const ids = store.links().map((l) => l.id);
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const live: string[] = [];
    let refused = 0;
    let next = 0;
    const step = (): void => {
      if (live.length > 0 && rand(5) < 2) {
        ledger.release(live.splice(rand(live.length), 1)[0]);
        return;
      }
      const owner = `o${next++}`;
      const start = rand(ids.length);
      const primary = Array.from({ length: 1 + rand(30) }, (_, k) => ids[(start + k * 7) % ids.length]);
      // Some paths name a link twice: it carries the bandwidth twice.
      if (rand(4) === 0) primary.push(primary[0]);
      if (ledger.reserve({ ownerId: owner, bandwidthMbps: 5 + rand(120), primary }).ok) live.push(owner);
      else refused++;
    };
    const check = (): void => {
      for (const l of store.links()) {
        expect(l.reservedMbps).toBeCloseTo(ledger.bookedMbps(l.id), 6);
        expect(l.reservedMbps).toBeLessThanOrEqual(l.capacityMbps + 1e-6);
      }
    };
    for (let round = 0; round < 30; round++) {
      if (round % 3 === 0) {
        for (let k = 0; k < 40; k++) step();
      } else {
        ledger.deferTopology(() => {
          for (let k = 0; k < 150; k++) {
            step();
            if (k % 50 === 0) ledger.syncReleases();
          }
        });
      }
      check();
    }
    expect(refused).toBeGreaterThan(0);
    expect(live.length).toBeGreaterThan(20);
    for (const owner of live.splice(0)) ledger.release(owner);
    for (const l of store.links()) expect(l.reservedMbps).toBeCloseTo(0, 6);
  });

  it('applies net releases in the order their links became unapplied', () => {
    const { store, bus } = euStore();
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'old', bandwidthMbps: 30, primary: ['par-fra.a', 'fra-mun.a'] });
    const events: SequencedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    ledger.deferTopology(() => {
      // fra-mun.a is booked first (unapplied +10), then both links are released net.
      ledger.reserve({ ownerId: 'new', bandwidthMbps: 10, primary: ['fra-mun.a'] });
      ledger.release('old');
      ledger.syncReleases();
      expect(linkUpdates(events)).toEqual(['fra-mun.a', 'par-fra.a']);
      expect(store.getLink('fra-mun.a').reservedMbps).toBe(10);
      expect(store.getLink('par-fra.a').reservedMbps).toBe(0);
      // Nothing released since: nothing to apply.
      ledger.syncReleases();
      expect(linkUpdates(events)).toHaveLength(2);
    });
    expect(linkUpdates(events)).toHaveLength(2);
  });

  it('lets a listener of a booking book again while the booking is being applied', () => {
    const { store, bus } = euStore();
    const ledger = new ReservationLedger(store);
    let nested = false;
    bus.subscribe(({ event }) => {
      if (nested || event.type !== 'link-updated' || event.link.id !== 'par-fra.a') return;
      nested = true;
      expect(ledger.reserve({ ownerId: 'inner', bandwidthMbps: 7, primary: ['mun-vie.a', 'fra-mun.a'] }).ok).toBe(true);
    });
    expect(ledger.reserve({ ownerId: 'outer', bandwidthMbps: 20, primary: ['par-fra.a', 'fra-mun.a', 'par-fra.a'] }).ok).toBe(
      true,
    );
    expect(nested).toBe(true);
    expect(store.getLink('par-fra.a').reservedMbps).toBe(40);
    expect(store.getLink('fra-mun.a').reservedMbps).toBe(27);
    expect(store.getLink('mun-vie.a').reservedMbps).toBe(7);
    ledger.release('outer');
    expect(store.getLink('par-fra.a').reservedMbps).toBe(0);
    expect(store.getLink('fra-mun.a').reservedMbps).toBe(7);
    expect(ledger.bookedMbps('fra-mun.a')).toBe(7);
  });

  it('sees every change of a link it did not make itself, between bookings and within a batch', () => {
    const { store } = euStore({ 'par-fra': { capacityMbps: 1000 } });
    const one = new ReservationLedger(store);
    const other = new ReservationLedger(store);
    expect(one.reserve({ ownerId: 'a', bandwidthMbps: 500, primary: ['par-fra.a'] }).ok).toBe(true);
    // Another writer of the same graph (here a second ledger) books the link: 100 Mbit/s left.
    expect(other.reserve({ ownerId: 'b', bandwidthMbps: 400, primary: ['par-fra.a'] }).ok).toBe(true);
    expect(one.reserve({ ownerId: 'c', bandwidthMbps: 200, primary: ['par-fra.a'] }).ok).toBe(false);
    expect(one.reserve({ ownerId: 'c', bandwidthMbps: 100, primary: ['par-fra.a'] }).ok).toBe(true);
    one.release('c');
    // An operator lowers the capacity inside a batch: the next booking is checked against it.
    one.deferTopology(() => {
      expect(one.reserve({ ownerId: 'd', bandwidthMbps: 50, primary: ['par-fra.a', 'fra-mun.a'] }).ok).toBe(true);
      store.patchLink('par-fra', { capacityMbps: 960 });
      expect(one.reserve({ ownerId: 'e', bandwidthMbps: 20, primary: ['par-fra.a'] }).ok).toBe(false);
      expect(one.reserve({ ownerId: 'e', bandwidthMbps: 10, primary: ['par-fra.a'] }).ok).toBe(true);
    });
    expect(store.getLink('par-fra.a').reservedMbps).toBe(960);
    expect(store.getLink('fra-mun.a').reservedMbps).toBe(50);
  });

  it('books a frozen link list shared by several owners as any other, and still finds a link gone', () => {
    const { store } = euStore({ 'par-fra': { capacityMbps: 100 } });
    const ledger = new ReservationLedger(store);
    const path = Object.freeze(['par-fra.a', 'fra-mun.a', 'par-fra.a']);
    expect(ledger.reserve({ ownerId: 'a', bandwidthMbps: 20, primary: path }).ok).toBe(true);
    expect(ledger.reserve({ ownerId: 'b', bandwidthMbps: 20, primary: path }).ok).toBe(true);
    expect(ledger.get('b')?.primary).toBe(path);
    // par-fra.a carries each booking twice: 80 of 100 taken, 20 more would need 40.
    expect(ledger.reserve({ ownerId: 'c', bandwidthMbps: 20, primary: path }).ok).toBe(false);
    expect(store.getLink('par-fra.a').reservedMbps).toBe(80);
    expect(store.getLink('fra-mun.a').reservedMbps).toBe(40);
    ledger.release('a');
    expect(store.getLink('par-fra.a').reservedMbps).toBe(40);
    expect(store.getLink('fra-mun.a').reservedMbps).toBe(20);
    store.removeLink('fra-mun.a');
    expect(() => ledger.reserve({ ownerId: 'd', bandwidthMbps: 1, primary: path })).toThrow(
      expect.objectContaining({ code: 'SDNC_ERR_LINK_NOT_FOUND', details: { id: 'fra-mun.a' } }),
    );
    ledger.release('b');
    expect(store.getLink('par-fra.a').reservedMbps).toBe(0);
    expect(ledger.bookedMbps('fra-mun.a')).toBe(0);
  });
});
