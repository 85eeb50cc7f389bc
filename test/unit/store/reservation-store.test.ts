import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { ReservationStore, type StoredReservation } from '../../../src/store/reservation-store.js';

function row(
  ownerId: string,
  bandwidthMbps: number,
  primary: string[],
  createdAt = '2026-01-01T00:00:00.000Z',
): StoredReservation {
  return { ownerId, bandwidthMbps, primary, backup: null, backupPolicy: 'dedicated', createdAt };
}

describe('ReservationStore.writeBatch', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const open = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdnc-reservation-store-'));
    dirs.push(dir);
    return openDatabase(dir);
  };

  it("writes each owner's final state: a new row in place of the old one, no row for null", () => {
    const db = open();
    const store = new ReservationStore(db);
    store.insert(row('a', 10, ['x.a']));
    store.insert(row('b', 20, ['y.a']));
    store.writeBatch(
      new Map([
        ['a', row('a', 30, ['x.a', 'z.a'], '2026-01-02T00:00:00.000Z')],
        ['b', null],
        ['c', row('c', 5, ['y.a'])],
        ['never', null],
      ]),
    );
    expect(store.all()).toEqual([row('c', 5, ['y.a']), row('a', 30, ['x.a', 'z.a'], '2026-01-02T00:00:00.000Z')]);
    db.close();
  });

  it('writes all of a batch or none of it', () => {
    const db = open();
    const store = new ReservationStore(db);
    store.insert(row('a', 10, ['x.a']));
    // The second row breaks the bandwidth CHECK: the replacement of 'a' before it is rolled back too.
    expect(() =>
      store.writeBatch(
        new Map([
          ['a', row('a', 99, ['x.a'])],
          ['bad', row('bad', -1, ['x.a'])],
        ]),
      ),
    ).toThrow();
    expect(store.all()).toEqual([row('a', 10, ['x.a'])]);
    db.close();
  });
});
