/**
 * Meter ids of intents, unique per switch: a meter polices one direction of one intent on the
 * direction's ingress switch, so two switches may use the same id for different intents. Ids are
 * 1..MAX_METER_ID: the P4 pipeline's indexed meter has 4,096 cells with 0 meaning "not policed", and
 * OpenFlow 1.3 meter ids start at 1 (section 7.3.4.4).
 *
 * Per switch, never-used ids are handed out first, then freed ones in the order they were freed (FIFO):
 * a freed id goes to the back, so its old meter has left the switch long before another intent's
 * meter takes the id. An owner may hold an id more than once (an intent's new admission keeping the
 * meter its installed rules use, see hold()): it is freed when every hold was released.
 */
export const MAX_METER_ID = 4095;

interface SwitchIds {
  /** Holder of each id in use, and how many holds it has. */
  readonly owners: Map<number, { readonly owner: number; holds: number }>;
  /** The lowest id never handed out. */
  fresh: number;
  /** Freed ids, oldest first from `head` on (entries taken by claim() meanwhile are skipped). */
  readonly freed: number[];
  head: number;
}

export class MeterIds {
  private readonly switches = new Map<string, SwitchIds>();
  private inUse = 0;
  /** Ids in use at the last markUse() on each switch whose count changed since (see freedSinceMark). */
  private readonly marked = new Map<string, number>();

  /** Ids held, over all switches. */
  get used(): number {
    return this.inUse;
  }

  /** Free ids on `device`. */
  freeOn(device: string): number {
    const s = this.switches.get(device);
    return s === undefined ? MAX_METER_ID : MAX_METER_ID - s.owners.size;
  }

  /** Starts counting anew what freedSinceMark() compares with. */
  markUse(): void {
    this.marked.clear();
  }

  /**
   * Whether some switch has more free ids than at the last markUse(), switch by switch: an id freed on
   * one switch is growth there even when another switch took one meanwhile.
   */
  freedSinceMark(): boolean {
    for (const [device, was] of this.marked) if ((this.switches.get(device)?.owners.size ?? 0) < was) return true;
    return false;
  }

  /** Notes a switch's use before its first change since the last mark. */
  private touch(device: string, s: SwitchIds): void {
    if (!this.marked.has(device)) this.marked.set(device, s.owners.size);
  }

  /** A free id on `device` for `owner`, or undefined when the switch has none left. */
  allocate(device: string, owner: number): number | undefined {
    const s = this.switchOf(device);
    const id = take(s);
    if (id === undefined) return undefined;
    this.touch(device, s);
    s.owners.set(id, { owner, holds: 1 });
    this.inUse++;
    return id;
  }

  /** Holds an id `owner` holds on `device` already once more (false, and nothing held, when it does not). */
  hold(device: string, id: number, owner: number): boolean {
    const h = this.switches.get(device)?.owners.get(id);
    if (h === undefined || h.owner !== owner) return false;
    h.holds++;
    return true;
  }

  /** Marks an id on `device` as `owner`'s (reload from the store). Throws when another owner holds it. */
  claim(device: string, id: number, owner: number): void {
    if (!Number.isInteger(id) || id < 1 || id > MAX_METER_ID)
      throw new RangeError(`meter id ${id} is outside 1..${MAX_METER_ID}`);
    const s = this.switchOf(device);
    const cur = s.owners.get(id);
    if (cur !== undefined) {
      if (cur.owner !== owner) throw new Error(`meter ${id} on ${device} is held by intent key ${cur.owner}`);
      cur.holds++;
      return;
    }
    if (id >= s.fresh) {
      for (let i = s.fresh; i < id; i++) s.freed.push(i);
      s.fresh = id + 1;
    }
    // An id in the freed queue stays there and is skipped when its turn comes (it is owned then).
    this.touch(device, s);
    s.owners.set(id, { owner, holds: 1 });
    this.inUse++;
  }

  /** Gives one hold of `owner`'s id on `device` back (nothing when it does not hold it); the last frees it. */
  release(device: string | undefined, id: number | undefined, owner: number): void {
    if (device === undefined || id === undefined) return;
    const s = this.switches.get(device);
    const h = s?.owners.get(id);
    if (s === undefined || h === undefined || h.owner !== owner) return;
    if (--h.holds > 0) return;
    this.touch(device, s);
    s.owners.delete(id);
    s.freed.push(id);
    this.inUse--;
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

function take(s: SwitchIds): number | undefined {
  // Never-used ids first; one claimed out of order is skipped.
  while (s.fresh <= MAX_METER_ID) {
    const id = s.fresh++;
    if (!s.owners.has(id)) return id;
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
