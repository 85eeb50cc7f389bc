import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import { openDatabase } from '../../../src/store/database.js';
import { ReservationStore } from '../../../src/store/reservation-store.js';
import type { TopologyStore } from '../../../src/topology/topology-store.js';
import { euStore } from './support/eu-sample.js';

const reserved = (store: TopologyStore, id: string): number => store.getLink(id).reservedMbps;

describe('ReservationLedger', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('books a path on every link or on none, naming the link that lacks capacity', () => {
    const { store } = euStore({ 'ams-fra': { capacityMbps: 100 } });
    const ledger = new ReservationLedger(store);
    const res = ledger.reserve({ ownerId: 'i1', bandwidthMbps: 150, primary: ['par-ams.a', 'ams-fra.a'] });
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.reason.code).toBe('bandwidth');
      expect(res.reason.message).toBe('cannot reserve 150 Mbit/s on ams-fra.a (ams-fra): 100 Mbit/s free');
    }
    expect(reserved(store, 'par-ams.a')).toBe(0);
    expect(ledger.reserve({ ownerId: 'i1', bandwidthMbps: 100, primary: ['par-ams.a', 'ams-fra.a'] }).ok).toBe(true);
    expect(reserved(store, 'par-ams.a')).toBe(100);
    expect(reserved(store, 'ams-fra.a')).toBe(100);
    expect(reserved(store, 'ams-fra.b')).toBe(0);
    expect(ledger.release('i1')).toBe(true);
    expect(reserved(store, 'ams-fra.a')).toBe(0);
    expect(ledger.release('i1')).toBe(false);
  });

  it('releases an owner whose link was removed meanwhile: the links left are freed, the books cleared', () => {
    const { store } = euStore();
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'i1', bandwidthMbps: 30, primary: ['par-fra.a', 'fra-mun.a'] });
    store.removeLink('fra-mun.a');
    expect(ledger.release('i1')).toBe(true);
    expect(ledger.get('i1')).toBeUndefined();
    expect(reserved(store, 'par-fra.a')).toBe(0);
    expect(ledger.bookedMbps('fra-mun.a')).toBe(0);
  });

  it('rejects duplicate owners and unknown links with typed errors', () => {
    const { store } = euStore();
    const ledger = new ReservationLedger(store);
    ledger.reserve({ ownerId: 'i1', bandwidthMbps: 1, primary: ['par-fra.a'] });
    expect(() => ledger.reserve({ ownerId: 'i1', bandwidthMbps: 1, primary: ['par-fra.a'] })).toThrow(
      expect.objectContaining({ code: 'SDNC_ERR_DUPLICATE_ID' }),
    );
    expect(() => ledger.reserve({ ownerId: 'i2', bandwidthMbps: 1, primary: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'SDNC_ERR_LINK_NOT_FOUND' }),
    );
    expect(() => ledger.reserve({ ownerId: 'i3', bandwidthMbps: -1, primary: [] })).toThrow(
      expect.objectContaining({ code: 'SDNC_ERR_VALIDATION' }),
    );
  });

  it('never over-books while many async requests interleave', async () => {
    const { store } = euStore({ 'par-fra': { capacityMbps: 1000 } });
    const ledger = new ReservationLedger(store);
    let maxSeen = 0;
    const attempt = async (i: number): Promise<boolean> => {
      await new Promise((r) => setTimeout(r, i % 7));
      const ok = ledger.reserve({ ownerId: `i${i}`, bandwidthMbps: 30, primary: ['par-fra.a'] }).ok;
      maxSeen = Math.max(maxSeen, reserved(store, 'par-fra.a'));
      await Promise.resolve();
      if (ok && i % 5 === 0) ledger.release(`i${i}`);
      return ok;
    };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(i)));
    expect(maxSeen).toBeLessThanOrEqual(1000);
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(33);
    expect(reserved(store, 'par-fra.a')).toBe(30 * ledger.list().length);
  });

  it('keeps reservedMbps equal to the bookings and within capacity for any sequence', () => {
    const links = ['par-fra.a', 'fra-mun.a', 'mun-vie.a', 'par-mil.a', 'mil-vie.a'];
    const op = fc.record({
      release: fc.boolean(),
      owner: fc.integer({ min: 0, max: 9 }),
      bw: fc.integer({ min: 1, max: 600 }),
      primary: fc.subarray(links, { minLength: 1 }),
      backup: fc.option(fc.subarray(links, { minLength: 1 }), { nil: undefined }),
      policy: fc.constantFrom('dedicated' as const, 'shared' as const),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { store } = euStore();
        const ledger = new ReservationLedger(store);
        for (const o of ops) {
          if (o.release) ledger.release(`o${o.owner}`);
          else if (ledger.get(`o${o.owner}`) === undefined) {
            ledger.reserve({
              ownerId: `o${o.owner}`,
              bandwidthMbps: o.bw,
              primary: o.primary,
              backup: o.backup,
              backupPolicy: o.policy,
            });
          }
          for (const id of links) {
            const l = store.getLink(id);
            expect(l.reservedMbps).toBeLessThanOrEqual(l.capacityMbps + 1e-6);
            expect(l.reservedMbps).toBeCloseTo(expectedBooking(ledger.list(), id, store), 6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('lets backups share capacity only when their primaries are disjoint', () => {
    const { store } = euStore({ 'mil-vie': { capacityMbps: 100 } });
    const shared = new ReservationLedger(store);
    const a = { bandwidthMbps: 80, backup: ['mil-vie.a'], backupPolicy: 'shared' as const };
    expect(shared.reserve({ ...a, ownerId: 'a', primary: ['par-fra.a'] }).ok).toBe(true);
    expect(shared.reserve({ ...a, ownerId: 'b', primary: ['par-ams.a'] }).ok).toBe(true);
    expect(reserved(store, 'mil-vie.a')).toBe(80);
    // Same primary cable (other direction): one cut would move 160 Mbit/s onto mil-vie.a.
    expect(shared.reserve({ ...a, ownerId: 'c', primary: ['par-fra.b'] }).ok).toBe(false);
    shared.release('a');
    expect(reserved(store, 'mil-vie.a')).toBe(80);
    shared.release('b');
    expect(reserved(store, 'mil-vie.a')).toBe(0);

    const dedicated = new ReservationLedger(store);
    const d = { bandwidthMbps: 80, backup: ['mil-vie.a'], backupPolicy: 'dedicated' as const };
    expect(dedicated.reserve({ ...d, ownerId: 'a', primary: ['par-fra.a'] }).ok).toBe(true);
    expect(dedicated.reserve({ ...d, ownerId: 'b', primary: ['par-ams.a'] }).ok).toBe(false);
  });

  it('changes nothing when the database write fails', () => {
    const { store } = euStore();
    const failing = {
      insert: () => {
        throw new Error('disk full');
      },
      delete: () => false,
      all: () => [],
    } as unknown as ReservationStore;
    const ledger = new ReservationLedger(store, failing);
    expect(() => ledger.reserve({ ownerId: 'x', bandwidthMbps: 10, primary: ['par-fra.a'] })).toThrow('disk full');
    expect(reserved(store, 'par-fra.a')).toBe(0);
    expect(ledger.list()).toEqual([]);
  });

  it('persists reservations and restores them onto a freshly loaded topology', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdnc-path-ledger-'));
    dirs.push(dir);
    const db1 = openDatabase(dir);
    const first = euStore();
    const ledger1 = new ReservationLedger(first.store, new ReservationStore(db1));
    ledger1.reserve({
      ownerId: 'keep',
      bandwidthMbps: 200,
      primary: ['par-fra.a', 'fra-mun.a'],
      backup: ['par-mil.a', 'mil-mun.a'],
    });
    ledger1.reserve({ ownerId: 'gone', bandwidthMbps: 50, primary: ['par-ams.a'] });
    ledger1.reserve({ ownerId: 'freed', bandwidthMbps: 70, primary: ['par-fra.a'] });
    ledger1.release('freed');
    db1.close();

    const db2 = openDatabase(dir);
    const second = euStore();
    second.store.removeLink('par-ams.a');
    const ledger2 = new ReservationLedger(second.store, new ReservationStore(db2));
    const report = ledger2.restore();
    expect(report.restored).toBe(1);
    expect(report.unrestorable).toEqual([{ ownerId: 'gone', missingLinks: ['par-ams.a'] }]);
    expect(reserved(second.store, 'par-fra.a')).toBe(200);
    expect(reserved(second.store, 'mil-mun.a')).toBe(200);
    expect(() => ledger2.reserve({ ownerId: 'gone', bandwidthMbps: 1, primary: ['par-fra.a'] })).toThrow();
    expect(ledger2.release('gone')).toBe(true);
    expect(new ReservationStore(db2).all().map((r) => r.ownerId)).toEqual(['keep']);
    db2.close();
  });

  describe('group commit (end-of-turn)', () => {
    const open = () => {
      const dir = mkdtempSync(join(tmpdir(), 'sdnc-path-ledger-gc-'));
      dirs.push(dir);
      return { dir, db: openDatabase(dir) };
    };
    const rows = (db: ReturnType<typeof openDatabase>) => new ReservationStore(db).all().map((r) => r.ownerId);

    it('books in memory at once and writes the turn in one transaction before the next continuation', async () => {
      const { db } = open();
      const { store } = euStore({ 'par-fra': { capacityMbps: 100 } });
      const ledger = new ReservationLedger(store, new ReservationStore(db), undefined, { commit: 'end-of-turn' });
      expect(ledger.reserve({ ownerId: 'a', bandwidthMbps: 60, primary: ['par-fra.a'] }).ok).toBe(true);
      // Never over-book: the second request sees the first one's booking though nothing is written yet.
      expect(ledger.reserve({ ownerId: 'b', bandwidthMbps: 60, primary: ['par-fra.a'] }).ok).toBe(false);
      expect(ledger.reserve({ ownerId: 'c', bandwidthMbps: 10, primary: ['par-fra.a'] }).ok).toBe(true);
      expect(ledger.release('c')).toBe(true);
      expect(rows(db)).toEqual([]);
      expect(ledger.unwrittenCount).toBe(2);
      await Promise.resolve();
      expect(rows(db)).toEqual(['a']);
      expect(ledger.unwrittenCount).toBe(0);
      db.close();
    });

    it('survives a restart after the turn ended, and flush() writes at once', () => {
      const { dir, db } = open();
      const first = euStore();
      const ledger = new ReservationLedger(first.store, new ReservationStore(db), undefined, { commit: 'end-of-turn' });
      ledger.reserve({ ownerId: 'x', bandwidthMbps: 40, primary: ['par-fra.a', 'fra-mun.a'] });
      ledger.flush();
      db.close();
      const db2 = openDatabase(dir);
      const second = euStore();
      const restored = new ReservationLedger(second.store, new ReservationStore(db2), undefined, { commit: 'end-of-turn' });
      expect(restored.restore().restored).toBe(1);
      expect(reserved(second.store, 'fra-mun.a')).toBe(40);
      db2.close();
    });

    it('releases an owner it never held without touching the database once it knows every row', async () => {
      const { db } = open();
      const real = new ReservationStore(db);
      real.insert({
        ownerId: 'old',
        bandwidthMbps: 5,
        primary: ['par-fra.a'],
        backup: null,
        backupPolicy: 'dedicated',
        createdAt: new Date(0).toISOString(),
      });
      let deletes = 0;
      const counting = Object.assign(Object.create(real) as ReservationStore, {
        delete: (ownerId: string) => {
          deletes++;
          return real.delete(ownerId);
        },
      });
      const { store } = euStore();
      const ledger = new ReservationLedger(store, counting, undefined, { commit: 'end-of-turn' });
      // Before restore() a row may exist for anyone: the release goes to the database.
      expect(ledger.release('old')).toBe(true);
      expect(deletes).toBe(1);
      expect(rows(db)).toEqual([]);
      ledger.restore();
      expect(ledger.release('never')).toBe(false);
      expect(deletes).toBe(1);
      // Booked, written, released and released again within a turn: the row goes as before.
      ledger.reserve({ ownerId: 'x', bandwidthMbps: 5, primary: ['par-fra.a'] });
      ledger.flush();
      expect(ledger.release('x')).toBe(true);
      expect(ledger.release('x')).toBe(true);
      expect(deletes).toBe(2);
      await Promise.resolve();
      expect(rows(db)).toEqual([]);
      db.close();
    });

    it('keeps unwritten changes after a failed flush, reports it, and writes them on the next one', async () => {
      const { db } = open();
      const real = new ReservationStore(db);
      let failing = true;
      const flaky = Object.assign(Object.create(real) as ReservationStore, {
        writeBatch: (changes: Parameters<ReservationStore['writeBatch']>[0]) => {
          if (failing) throw new Error('disk full');
          real.writeBatch(changes);
        },
      });
      const errors: unknown[] = [];
      const { store } = euStore();
      const ledger = new ReservationLedger(store, flaky, undefined, {
        commit: 'end-of-turn',
        onFlushError: (err) => errors.push(err),
      });
      expect(ledger.reserve({ ownerId: 'p', bandwidthMbps: 5, primary: ['par-fra.a'] }).ok).toBe(true);
      await Promise.resolve();
      expect(errors).toHaveLength(1);
      expect(reserved(store, 'par-fra.a')).toBe(5);
      expect(ledger.unwrittenCount).toBe(1);
      failing = false;
      ledger.reserve({ ownerId: 'q', bandwidthMbps: 5, primary: ['par-fra.a'] });
      await Promise.resolve();
      expect(rows(db).sort()).toEqual(['p', 'q']);
      db.close();
    });
  });
});

/** Independent recomputation of what a link must carry from the list of reservations. */
function expectedBooking(list: ReturnType<ReservationLedger['list']>, id: string, store: TopologyStore): number {
  let sum = 0;
  const sharedByCable = new Map<string, number>();
  for (const r of list) {
    sum += r.bandwidthMbps * r.primary.filter((x) => x === id).length;
    if (r.backup === null || !r.backup.includes(id)) continue;
    if (r.backupPolicy === 'dedicated') sum += r.bandwidthMbps * r.backup.filter((x) => x === id).length;
    else
      for (const c of new Set(r.primary.map((p) => store.getLink(p).cable)))
        sharedByCable.set(c, (sharedByCable.get(c) ?? 0) + r.bandwidthMbps);
  }
  return sum + Math.max(0, ...sharedByCable.values());
}
