/**
 * Meter ids of intents, unique per switch: a meter polices one direction of one intent on the
 * direction's ingress switch, so two switches may use the same id for different intents. Ids are
 * 1..MAX_METER_ID: the P4 pipeline's indexed meter has 4,096 cells with 0 meaning "not policed", and
 * OpenFlow 1.3 meter ids start at 1 (section 7.3.4.4).
 *
 * Per switch, never-used ids are handed out first, then freed ones in the order they were freed (FIFO):
 * a freed id goes to the back, so its old meter has left the switch long before another intent's
 * meter takes the id. An owner never holds the same id on two switches at once, so releasing needs the
 * id only. An owner may hold an id more than once (an intent's new admission keeping the meter its
 * installed rules use, see hold()): it is freed when every hold was released.
 */
export const MAX_METER_ID = 4095;

interface SwitchIds {
  readonly owners: Map<number, number>;
  /** The lowest id never handed out. */
  fresh: number;
  /** Freed ids, oldest first from `head` on (entries taken by claim() meanwhile are skipped). */
  readonly freed: number[];
  head: number;
}

export class MeterIds {
  private readonly switches = new Map<string, SwitchIds>();
  /** Per owner, the switch each of its ids is on and how many holds it has. */
  private readonly held = new Map<number, Map<number, { readonly device: string; holds: number }>>();
  private inUse = 0;

  /** Ids held, over all switches. */
  get used(): number {
    return this.inUse;
  }

  /** Free ids on `device`. */
  freeOn(device: string): number {
    const s = this.switches.get(device);
    return s === undefined ? MAX_METER_ID : MAX_METER_ID - s.owners.size;
  }

  /** A free id on `device` for `owner`, or undefined when the switch has none left. */
  allocate(device: string, owner: number): number | undefined {
    const s = this.switchOf(device);
    const mine = this.held.get(owner);
    let skipped: number[] | undefined;
    let id: number | undefined;
    for (;;) {
      id = this.take(s);
      if (id === undefined || mine === undefined || !mine.has(id)) break;
      // The owner holds this id on another switch: keep it for someone else, at the front.
      if (skipped === undefined) skipped = [];
      skipped.push(id);
    }
    if (skipped !== undefined) this.giveBack(s, skipped);
    if (id === undefined) return undefined;
    this.own(s, device, id, owner);
    return id;
  }

  /** Marks an id on `device` as `owner`'s (reload from the store). Throws when another owner holds it. */
  claim(device: string, id: number, owner: number): void {
    if (!Number.isInteger(id) || id < 1 || id > MAX_METER_ID)
      throw new RangeError(`meter id ${id} is outside 1..${MAX_METER_ID}`);
    const s = this.switchOf(device);
    const cur = s.owners.get(id);
    if (cur === owner) return;
    if (cur !== undefined) throw new Error(`meter ${id} on ${device} is held by intent key ${cur}`);
    const other = this.held.get(owner)?.get(id);
    if (other !== undefined) throw new Error(`intent key ${owner} already holds meter ${id} on ${other.device}`);
    if (id >= s.fresh) {
      for (let i = s.fresh; i < id; i++) s.freed.push(i);
      s.fresh = id + 1;
    }
    // An id in the freed queue stays there and is skipped when its turn comes (it is owned then).
    this.own(s, device, id, owner);
  }

  /** The switch `owner` holds `id` on (undefined when it does not hold it). */
  deviceOf(id: number, owner: number): string | undefined {
    return this.held.get(owner)?.get(id)?.device;
  }

  /** Holds an id `owner` holds already once more (false, and nothing held, when it does not hold it). */
  hold(id: number, owner: number): boolean {
    const h = this.held.get(owner)?.get(id);
    if (h === undefined) return false;
    h.holds++;
    return true;
  }

  /** Gives one hold of an id of `owner` back (nothing when it does not hold it); the last frees it. */
  release(id: number | undefined, owner: number): void {
    if (id === undefined) return;
    const mine = this.held.get(owner);
    const h = mine?.get(id);
    if (mine === undefined || h === undefined) return;
    if (--h.holds > 0) return;
    mine.delete(id);
    if (mine.size === 0) this.held.delete(owner);
    const s = this.switches.get(h.device) as SwitchIds;
    s.owners.delete(id);
    s.freed.push(id);
    this.inUse--;
  }

  private own(s: SwitchIds, device: string, id: number, owner: number): void {
    s.owners.set(id, owner);
    let mine = this.held.get(owner);
    if (mine === undefined) {
      mine = new Map();
      this.held.set(owner, mine);
    }
    mine.set(id, { device, holds: 1 });
    this.inUse++;
  }

  private take(s: SwitchIds): number | undefined {
    if (s.fresh <= MAX_METER_ID) {
      // Never-used ids first; one claimed out of order is skipped.
      while (s.fresh <= MAX_METER_ID) {
        const id = s.fresh++;
        if (!s.owners.has(id)) return id;
      }
    }
    while (s.head < s.freed.length) {
      const id = s.freed[s.head++];
      if (!s.owners.has(id)) {
        if (s.head > 1024 && s.head * 2 > s.freed.length) {
          s.freed.splice(0, s.head);
          s.head = 0;
        }
        return id;
      }
    }
    return undefined;
  }

  /** Puts ids taken but not used back at the front of the queue, in their order. */
  private giveBack(s: SwitchIds, ids: number[]): void {
    for (let i = ids.length - 1; i >= 0; i--) {
      if (s.head > 0) s.freed[--s.head] = ids[i];
      else s.freed.unshift(ids[i]);
    }
  }

  private switchOf(device: string): SwitchIds {
    let s = this.switches.get(device);
    if (s === undefined) {
      s = { owners: new Map(), fresh: 1, freed: [], head: 0 };
      this.switches.set(device, s);
    }
    return s;
  }
}
