import type { EntryOwner, Slot } from './entry-index.js';

/*
 * The row pools behind DeviceFlowState: owners on devices and the entries they hold, as columns shared
 * by every device of a flow service (a row costs no object of its own).
 */

/** The kinds of entries, as offsets of their list ends among an owner's ENDS. */
export const FLOWS = 0;
export const GROUPS = 2;
export const METERS = 4;
/** List ends per owner: first and last row of its flows, groups and meters (-1: none). */
export const ENDS = 6;

function grownInt32(a: Int32Array, min: number): Int32Array {
  const out = new Int32Array(Math.max(min, a.length * 2));
  out.set(a);
  return out;
}

/**
 * Owners on devices as rows (an owner on two devices is two rows): the order in which each joined its
 * device (a counter over all devices keeps the order within each), whether it has named an identity
 * twice there since it joined (never cleared before it leaves; a removal then looks for its other
 * entry), and the ends of its lists of entries, one per kind, in the order the owner gave them. The
 * rows of one flow service share these columns, so an owner's place on a device costs no object.
 */
export class OwnerPool {
  seq = new Float64Array(256);
  dups = new Uint8Array(256);
  ends: Int32Array = new Int32Array(256 * ENDS);
  private size = 0;
  private nextSeq = 0;
  private readonly free: number[] = [];

  alloc(): EntryOwner {
    let n = this.free.pop();
    if (n === undefined) {
      n = this.size++;
      if (n === this.seq.length) {
        const seq = new Float64Array(n * 2);
        seq.set(this.seq);
        this.seq = seq;
        const dups = new Uint8Array(n * 2);
        dups.set(this.dups);
        this.dups = dups;
        this.ends = grownInt32(this.ends, n * 2 * ENDS);
      }
    }
    this.seq[n] = this.nextSeq++;
    this.dups[n] = 0;
    this.ends.fill(-1, n * ENDS, n * ENDS + ENDS);
    return n;
  }

  /** A row whose owner left its device (no list holds a row of it, no index slot names it). */
  release(n: EntryOwner): void {
    this.free.push(n);
  }
}

/**
 * The entries owners hold on devices, as rows of singly linked lists (one per owner, device and kind):
 * the entry, its index slot (an owner's slot stays in the index while it wants it) and the next row.
 */
export class HeldPool {
  readonly entry: unknown[] = [];
  slot: Int32Array = new Int32Array(1024);
  next: Int32Array = new Int32Array(1024);
  private readonly free: number[] = [];

  alloc(e: unknown, slot: Slot): number {
    let n = this.free.pop();
    if (n === undefined) {
      n = this.entry.length;
      this.entry.push(e);
      if (n === this.slot.length) {
        this.slot = grownInt32(this.slot, n * 2);
        this.next = grownInt32(this.next, n * 2);
      }
    } else this.entry[n] = e;
    this.slot[n] = slot;
    this.next[n] = -1;
    return n;
  }

  release(n: number): void {
    this.entry[n] = undefined;
    this.free.push(n);
  }
}
