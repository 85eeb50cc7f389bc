/**
 * VLAN ids used as the labels of label-switched tunnels (see tunnel-registry.ts). One pool for the whole
 * network: a label is unique on every device and link, so transit rules can match in_port + label
 * without coordinating per link. 0 and 1 are left out (802.1Q priority tags and the default VLAN on
 * many switches), 4095 is reserved by 802.1Q: labels are 2..4094, 4093 of them.
 */
export const MIN_LABEL = 2;
export const MAX_LABEL = 4094;
/** How many labels the pool holds. */
export const LABEL_COUNT = MAX_LABEL - MIN_LABEL + 1;

const NONE = -1;

/**
 * Free labels are a FIFO queue kept as a doubly linked list over the label numbers, so allocate,
 * release and claim (which takes a label out of the middle) are all O(1). A released label goes to the
 * back of the queue: it is not handed out again until every label freed before it was, so a label's
 * rules have left every switch long before another tunnel's rules reuse it.
 */
export class LabelAllocator {
  private readonly owners = new Map<number, number>();
  private readonly prev = new Int32Array(MAX_LABEL + 1).fill(NONE);
  private readonly next = new Int32Array(MAX_LABEL + 1).fill(NONE);
  private head = NONE;
  private tail = NONE;

  constructor() {
    for (let l = MIN_LABEL; l <= MAX_LABEL; l++) this.push(l);
  }

  get used(): number {
    return this.owners.size;
  }

  get free(): number {
    return LABEL_COUNT - this.owners.size;
  }

  ownerOf(label: number): number | undefined {
    return this.owners.get(label);
  }

  /** A free label for `owner`, or undefined when the pool is exhausted. */
  allocate(owner: number): number | undefined {
    const label = this.head;
    if (label === NONE) return undefined;
    this.unlink(label);
    this.owners.set(label, owner);
    return label;
  }

  /** Marks a label as taken (reload from the store). Throws when another owner holds it. */
  claim(label: number, owner: number): void {
    if (!Number.isInteger(label) || label < MIN_LABEL || label > MAX_LABEL) {
      throw new RangeError(`label ${label} is outside ${MIN_LABEL}..${MAX_LABEL}`);
    }
    const cur = this.owners.get(label);
    if (cur !== undefined && cur !== owner) throw new Error(`label ${label} is held by intent key ${cur}`);
    if (cur === undefined) this.unlink(label);
    this.owners.set(label, owner);
  }

  release(label: number | undefined, owner: number): void {
    if (label === undefined || this.owners.get(label) !== owner) return;
    this.owners.delete(label);
    this.push(label);
  }

  private push(label: number): void {
    this.prev[label] = this.tail;
    this.next[label] = NONE;
    if (this.tail === NONE) this.head = label;
    else this.next[this.tail] = label;
    this.tail = label;
  }

  private unlink(label: number): void {
    const p = this.prev[label];
    const n = this.next[label];
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.prev[label] = NONE;
    this.next[label] = NONE;
  }
}
