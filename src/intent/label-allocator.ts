/**
 * VLAN ids used as per-intent, per-direction labels of label-switched paths. One pool for the whole
 * network: a label is unique on every device and link, so transit rules can match in_port + label
 * without coordinating per link. 0 and 1 are left out (802.1Q priority tags and the default VLAN on
 * many switches), 4095 is reserved by 802.1Q: labels are 2..4094, 4093 of them.
 */
export const MIN_LABEL = 2;
export const MAX_LABEL = 4094;

export class LabelAllocator {
  private readonly owners = new Map<number, number>();
  private next = MIN_LABEL;

  get used(): number {
    return this.owners.size;
  }

  get free(): number {
    return MAX_LABEL - MIN_LABEL + 1 - this.owners.size;
  }

  ownerOf(label: number): number | undefined {
    return this.owners.get(label);
  }

  /** A free label for `owner`, or undefined when the pool is exhausted. Round-robin, so a freed label is not reused at once. */
  allocate(owner: number): number | undefined {
    if (this.free === 0) return undefined;
    for (;;) {
      const label = this.next;
      this.next = label >= MAX_LABEL ? MIN_LABEL : label + 1;
      if (!this.owners.has(label)) {
        this.owners.set(label, owner);
        return label;
      }
    }
  }

  /** Marks a label as taken (reload from the store). Throws when another owner holds it. */
  claim(label: number, owner: number): void {
    if (label < MIN_LABEL || label > MAX_LABEL) throw new RangeError(`label ${label} is outside ${MIN_LABEL}..${MAX_LABEL}`);
    const cur = this.owners.get(label);
    if (cur !== undefined && cur !== owner) throw new Error(`label ${label} is held by intent key ${cur}`);
    this.owners.set(label, owner);
  }

  release(label: number | undefined, owner: number): void {
    if (label !== undefined && this.owners.get(label) === owner) this.owners.delete(label);
  }
}
