import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../../../src/model/events.js';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import type { TopologyStore } from '../../../src/topology/topology-store.js';
import { euStore } from './support/eu-sample.js';

const reserved = (store: TopologyStore, id: string): number => store.getLink(id).reservedMbps;

function linkUpdates(events: readonly SequencedEvent[]): string[] {
  return events.flatMap(({ event }) => (event.type === 'link-updated' ? [event.link.id] : []));
}

describe('ReservationLedger.deferTopology', () => {
  it('admits against its books while the graph lags, then updates each touched link once', () => {
    const { store, bus } = euStore({ 'par-fra': { capacityMbps: 1000 } });
    const ledger = new ReservationLedger(store);
    const events: SequencedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const results = ledger.deferTopology(() => {
      const out = [1, 2, 3].map((i) =>
        ledger.reserve({ ownerId: `i${i}`, bandwidthMbps: 400, primary: ['par-fra.a', 'fra-mun.a'] }),
      );
      // The graph still shows the link empty; the third booking is refused all the same.
      expect(reserved(store, 'par-fra.a')).toBe(0);
      expect(linkUpdates(events)).toEqual([]);
      return out;
    });
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    const refusal = results[2];
    if (!refusal.ok) expect(refusal.reason.message).toBe('cannot reserve 400 Mbit/s on par-fra.a (par-fra): 200 Mbit/s free');
    expect(linkUpdates(events).sort()).toEqual(['fra-mun.a', 'par-fra.a']);
    expect(reserved(store, 'par-fra.a')).toBe(800);
    expect(reserved(store, 'fra-mun.a')).toBe(800);
  });

  it('publishes nothing for a booking released in the same batch, and applies a net release before planning', () => {
    const { store, bus } = euStore();
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'old', bandwidthMbps: 300, primary: ['par-ams.a'] });
    const events: SequencedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    ledger.deferTopology(() => {
      ledger.reserve({ ownerId: 'tmp', bandwidthMbps: 50, primary: ['ams-fra.a'] });
      ledger.release('tmp');
      ledger.release('old');
      // The graph shows less free than the books until the release is applied.
      expect(reserved(store, 'par-ams.a')).toBe(300);
      ledger.syncReleases();
      expect(reserved(store, 'par-ams.a')).toBe(0);
      ledger.reserve({ ownerId: 'new', bandwidthMbps: 20, primary: ['par-ams.a'] });
      expect(reserved(store, 'par-ams.a')).toBe(0);
    });
    expect(linkUpdates(events)).toEqual(['par-ams.a', 'par-ams.a']);
    expect(reserved(store, 'ams-fra.a')).toBe(0);
    expect(reserved(store, 'par-ams.a')).toBe(20);
  });

  it('leaves releases for the end of the batch while every released link shows what the next plan asks', () => {
    const { store, bus } = euStore({ 'par-ams': { capacityMbps: 1000 }, 'ams-fra': { capacityMbps: 1000 } });
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'old', bandwidthMbps: 300, primary: ['par-ams.a', 'ams-fra.a'] });
    ledger.reserve({ ownerId: 'big', bandwidthMbps: 650, primary: ['ams-fra.a'] });
    const events: SequencedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    ledger.deferTopology(() => {
      ledger.release('old');
      // The graph shows 700 free on par-ams.a and 50 on ams-fra.a: a plan for 50 sees no difference.
      ledger.syncReleases(50);
      expect(reserved(store, 'par-ams.a')).toBe(300);
      expect(linkUpdates(events)).toEqual([]);
      // One for 51 could have left ams-fra.a out: every release is applied first.
      ledger.syncReleases(51);
      expect(reserved(store, 'ams-fra.a')).toBe(650);
      expect(reserved(store, 'par-ams.a')).toBe(0);
      expect(linkUpdates(events).sort()).toEqual(['ams-fra.a', 'par-ams.a']);
    });
  });

  it('publishes nothing for a link released and booked again in one batch when no plan needed the release', () => {
    const { store, bus } = euStore();
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'moved', bandwidthMbps: 10, primary: ['par-ams.a', 'ams-fra.a'] });
    const events: SequencedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    ledger.deferTopology(() => {
      ledger.release('moved');
      ledger.syncReleases(10);
      ledger.reserve({ ownerId: 'moved', bandwidthMbps: 10, primary: ['par-ams.a', 'par-fra.a'] });
    });
    expect(linkUpdates(events).sort()).toEqual(['ams-fra.a', 'par-fra.a']);
    expect(reserved(store, 'par-ams.a')).toBe(10);
    expect(reserved(store, 'ams-fra.a')).toBe(0);
  });

  it('brings the graph up to the books when the batch throws, and on syncTopology inside it', () => {
    const { store } = euStore();
    const ledger = new ReservationLedger(store);
    expect(() =>
      ledger.deferTopology(() => {
        ledger.reserve({ ownerId: 'a', bandwidthMbps: 10, primary: ['mun-vie.a'] });
        expect(ledger.syncTopology()).toBe(true);
        expect(reserved(store, 'mun-vie.a')).toBe(10);
        expect(ledger.syncTopology()).toBe(false);
        ledger.reserve({ ownerId: 'b', bandwidthMbps: 5, primary: ['mun-vie.a'] });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(reserved(store, 'mun-vie.a')).toBe(15);
  });

  it('leaves reservedMbps on every link equal to its books after every batch (random bookings and releases)', () => {
    const { store } = euStore({ 'par-fra': { capacityMbps: 300 }, 'mil-mun': { capacityMbps: 200 } });
    const ledger = new ReservationLedger(store);
    const ids = store.links().map((l) => l.id);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const live: string[] = [];
    let refused = 0;
    for (let batch = 0; batch < 40; batch++) {
      ledger.deferTopology(() => {
        for (let k = 0; k < 12; k++) {
          if (live.length > 0 && rand(3) === 0) {
            ledger.release(live.splice(rand(live.length), 1)[0]);
            continue;
          }
          const owner = `o${batch}-${k}`;
          const links = [...new Set([ids[rand(ids.length)], ids[rand(ids.length)]])];
          if (ledger.reserve({ ownerId: owner, bandwidthMbps: 10 + rand(90), primary: links }).ok) live.push(owner);
          else refused++;
        }
      });
      for (const l of store.links()) {
        expect(l.reservedMbps).toBeCloseTo(ledger.bookedMbps(l.id), 6);
        expect(l.reservedMbps).toBeLessThanOrEqual(l.capacityMbps);
      }
    }
    // Both outcomes occurred: capacity was binding and bookings stayed.
    expect(refused).toBeGreaterThan(0);
    expect(live.length).toBeGreaterThan(5);
  });
});
