import type { DeviceBatch, DeviceState, FlowAction, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import { parseIpPrefix } from '../topology/prefix-index.js';
import { type FlowIdentity, flowIdentity, matchKey } from './flow-key.js';

/**
 * A frame as the fake data plane sees it: header fields only. `vlans` is the tag stack, outermost
 * first; `ethType` is the type after the tags (OpenFlow 1.3 section 7.2.3.8: OXM_OF_ETH_TYPE matches the
 * innermost type of a tagged frame).
 */
export interface FakePacket {
  readonly ethSrc?: string;
  readonly ethDst?: string;
  readonly ethType: number;
  readonly vlans?: readonly number[];
  readonly ipProto?: number;
  readonly ipv4Src?: string;
  readonly ipv4Dst?: string;
  readonly ipv6Src?: string;
  readonly ipv6Dst?: string;
  readonly tcpSrc?: number;
  readonly tcpDst?: number;
  readonly udpSrc?: number;
  readonly udpDst?: number;
  readonly arpOp?: number;
  readonly arpSpa?: string;
  readonly arpTpa?: string;
}

export interface FakeOutput {
  /** A physical port number, or 'in-port' already resolved to the ingress port. */
  readonly port: number;
  readonly packet: FakePacket;
}

export interface FakeProcessResult {
  /** The rule that matched, or undefined for a table miss (dropped). */
  readonly rule?: FlowRule;
  readonly outputs: readonly FakeOutput[];
  /** Meters the packet passed through (the fake does not police, it records). */
  readonly meters: readonly number[];
  /** Why nothing was output, when nothing was. */
  readonly dropReason?: string;
}

/**
 * One switch's tables, groups and meters, applying DeviceBatches the way an OpenFlow 1.3 switch would
 * (section 6.4: add replaces an identical entry, modify of a missing entry fails here because the flow
 * service only modifies what it read back) and forwarding packets by priority. Like Faucet's
 * fakeoftable, it lets the intent logic be tested without a switch. Every write is counted so a test
 * can assert that reconciliation left correct rules untouched.
 */
export class FakeFlowTable {
  private readonly flows = new Map<FlowIdentity, FlowRule>();
  private readonly groups = new Map<number, GroupEntry>();
  private readonly meters = new Map<number, MeterEntry>();
  private readonly downPorts = new Set<number>();
  private readonly meterUse = new Map<number, number>();
  private readonly groupUse = new Map<number, number>();
  private sorted: FlowRule[] | null = null;
  /** Number of flow, group and meter writes (add, modify, delete) applied so far. */
  writes = 0;

  constructor(readonly device: string) {}

  setPortUp(port: number, up: boolean): void {
    if (up) this.downPorts.delete(port);
    else this.downPorts.add(port);
  }

  isPortUp(port: number): boolean {
    return !this.downPorts.has(port);
  }

  state(): DeviceState {
    return { flows: [...this.flows.values()], groups: [...this.groups.values()], meters: [...this.meters.values()] };
  }

  flowCount(): number {
    return this.flows.size;
  }

  /**
   * Applies a batch all-or-nothing: a batch the resulting state refuses (a missing meter or group in
   * use, an add of an existing meter or group, a modify of a missing entry) changes nothing. Costs what
   * the batch touches, not what the table holds (use counts of meters and groups stand in for a scan of
   * every flow). A batch that cannot be refused (flows only, no added or modified one using a meter or
   * group, every modify of an installed entry) is written straight through; any other is written with
   * an undo log, replayed backwards on a refusal. Returns the flows of `deleteFlows` that were installed.
   */
  apply(batch: DeviceBatch): FlowRule[] {
    const removed: FlowRule[] = [];
    if (!this.mayRefuse(batch)) {
      this.write(batch, null, removed);
    } else {
      const undo: Undo = [];
      try {
        this.write(batch, undo, removed);
      } catch (err) {
        for (let i = undo.length - 3; i >= 0; i -= 3) {
          const map = undo[i] as Map<unknown, unknown>;
          const prev = undo[i + 2];
          if (prev === undefined) map.delete(undo[i + 1]);
          else map.set(undo[i + 1], prev);
        }
        throw err;
      }
    }
    this.sorted = null;
    this.writes += batchWrites(batch);
    return removed;
  }

  /** Whether the batch touches meters or groups, or modifies a flow that is not installed. */
  private mayRefuse(b: DeviceBatch): boolean {
    if (
      b.addMeters.length > 0 ||
      b.modifyMeters.length > 0 ||
      b.deleteMeters.length > 0 ||
      b.addGroups.length > 0 ||
      b.modifyGroups.length > 0 ||
      b.deleteGroups.length > 0
    )
      return true;
    const adds = b.addFlows;
    for (let i = 0; i < adds.length; i++) if (usesMeterOrGroup(adds[i])) return true;
    const modifies = b.modifyFlows;
    for (let i = 0; i < modifies.length; i++) {
      const f = modifies[i];
      if (usesMeterOrGroup(f) || !this.flows.has(flowIdentity(f))) return true;
    }
    return false;
  }

  /** Writes a batch; with `undo` null nothing is logged and nothing checked (see mayRefuse). */
  private write(batch: DeviceBatch, undo: Undo | null, removed: FlowRule[]): void {
    // Indexed loops: an array iterator per list costs an object per entry where V8 does not lower it.
    const meters: number[] = [];
    const groups: number[] = [];
    const addMeters = batch.addMeters;
    for (let i = 0; i < addMeters.length; i++) {
      const m = addMeters[i];
      if (this.meters.has(m.meterId)) throw new Error(`meter ${m.meterId} exists (OFPMMFC_METER_EXISTS)`);
      put(undo, this.meters, m.meterId, m);
      meters.push(m.meterId);
    }
    const modifyMeters = batch.modifyMeters;
    for (let i = 0; i < modifyMeters.length; i++) {
      const m = modifyMeters[i];
      if (!this.meters.has(m.meterId)) throw new Error(`meter ${m.meterId} unknown (OFPMMFC_UNKNOWN_METER)`);
      put(undo, this.meters, m.meterId, m);
    }
    const addGroups = batch.addGroups;
    for (let i = 0; i < addGroups.length; i++) {
      const g = addGroups[i];
      if (this.groups.has(g.groupId)) throw new Error(`group ${g.groupId} exists (OFPGMFC_GROUP_EXISTS)`);
      put(undo, this.groups, g.groupId, g);
      groups.push(g.groupId);
    }
    const modifyGroups = batch.modifyGroups;
    for (let i = 0; i < modifyGroups.length; i++) {
      const g = modifyGroups[i];
      if (!this.groups.has(g.groupId)) throw new Error(`group ${g.groupId} unknown (OFPGMFC_UNKNOWN_GROUP)`);
      put(undo, this.groups, g.groupId, g);
    }
    const adds = batch.addFlows;
    for (let i = 0; i < adds.length; i++) this.putFlow(undo, flowIdentity(adds[i]), adds[i], meters, groups);
    const modifies = batch.modifyFlows;
    for (let i = 0; i < modifies.length; i++) {
      const k = flowIdentity(modifies[i]);
      if (!this.flows.has(k)) {
        const f = modifies[i];
        throw new Error(`modify of missing flow ${f.tableId}/${f.priority}/${matchKey(f.match)}`);
      }
      this.putFlow(undo, k, modifies[i], meters, groups);
    }
    const deletes = batch.deleteFlows;
    for (let i = 0; i < deletes.length; i++) {
      if (this.putFlow(undo, flowIdentity(deletes[i]), undefined, meters, groups)) removed.push(deletes[i]);
    }
    const deleteGroups = batch.deleteGroups;
    for (let i = 0; i < deleteGroups.length; i++) {
      put(undo, this.groups, deleteGroups[i].groupId, undefined);
      groups.push(deleteGroups[i].groupId);
    }
    const deleteMeters = batch.deleteMeters;
    for (let i = 0; i < deleteMeters.length; i++) {
      put(undo, this.meters, deleteMeters[i].meterId, undefined);
      meters.push(deleteMeters[i].meterId);
    }
    if (undo === null) return;
    // Every meter or group whose users changed or that went away must exist while anything uses it.
    for (let i = 0; i < meters.length; i++) {
      const id = meters[i];
      if (this.meterUse.has(id) && !this.meters.has(id)) throw new Error(`flow uses missing meter ${id} (OFPMMFC_UNKNOWN_METER)`);
    }
    for (let i = 0; i < groups.length; i++) {
      const id = groups[i];
      if (this.groupUse.has(id) && !this.groups.has(id)) throw new Error(`flow uses missing group ${id} (OFPBAC_BAD_OUT_GROUP)`);
    }
  }

  /**
   * Sets (or deletes, `next` undefined) one flow entry, keeping the use counts of meters and groups.
   * True when an entry was there.
   */
  private putFlow(undo: Undo | null, k: FlowIdentity, next: FlowRule | undefined, meters: number[], groups: number[]): boolean {
    const prev = this.flows.get(k);
    if (prev === next) return prev !== undefined;
    // A modify that keeps the meter and groups of the entry leaves every use count as it is (and every
    // meter or group it uses existed, as the entry used it).
    if (prev === undefined || next === undefined || !sameUses(prev, next)) {
      if (prev !== undefined) this.countUses(undo, prev, -1, meters, groups);
      // Written straight through (no undo), a batch adds and modifies no flow using a meter or group.
      if (next !== undefined && undo !== null) this.countUses(undo, next, 1, meters, groups);
    }
    undo?.push(this.flows, k, prev);
    if (next === undefined) this.flows.delete(k);
    else this.flows.set(k, next);
    return prev !== undefined;
  }

  private countUses(undo: Undo | null, f: FlowRule, delta: number, meters: number[], groups: number[]): void {
    if (f.meterId !== undefined) {
      count(undo, this.meterUse, f.meterId, delta);
      meters.push(f.meterId);
    }
    const actions = f.actions;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (a.type === 'group') {
        count(undo, this.groupUse, a.groupId, delta);
        groups.push(a.groupId);
      }
    }
  }

  /** Forwards one packet that arrived on `inPort`: highest-priority match in table 0, then its actions. */
  process(packet: FakePacket, inPort: number): FakeProcessResult {
    if (this.sorted === null) {
      this.sorted = [...this.flows.values()].filter((f) => f.tableId === 0).sort((a, b) => b.priority - a.priority);
    }
    const rule = this.sorted.find((f) => matches(f.match, packet, inPort));
    if (rule === undefined) return { outputs: [], meters: [], dropReason: 'table miss' };
    const meters = rule.meterId === undefined ? [] : [rule.meterId];
    const outputs: FakeOutput[] = [];
    this.runActions(rule.actions, packet, inPort, outputs);
    return { rule, outputs, meters, dropReason: outputs.length === 0 ? 'no output action' : undefined };
  }

  private runActions(actions: readonly FlowAction[], start: FakePacket, inPort: number, outputs: FakeOutput[]): void {
    let pkt = start;
    for (const a of actions) {
      switch (a.type) {
        case 'output':
          if (typeof a.port === 'number') outputs.push({ port: a.port, packet: pkt });
          else if (a.port === 'in-port') outputs.push({ port: inPort, packet: pkt });
          break;
        case 'group':
          this.runGroup(a.groupId, pkt, inPort, outputs);
          break;
        case 'push-vlan':
          pkt = { ...pkt, vlans: [0, ...(pkt.vlans ?? [])] };
          break;
        case 'pop-vlan':
          pkt = { ...pkt, vlans: (pkt.vlans ?? []).slice(1) };
          break;
        case 'set-vlan-vid': {
          const tags = pkt.vlans ?? [];
          if (tags.length > 0) pkt = { ...pkt, vlans: [a.vid, ...tags.slice(1)] };
          break;
        }
        case 'set-eth-src':
          pkt = { ...pkt, ethSrc: a.mac };
          break;
        case 'set-eth-dst':
          pkt = { ...pkt, ethDst: a.mac };
          break;
        default:
          // MPLS, queues and TTL do not change where the fake forwards a packet.
          break;
      }
    }
  }

  /** Section 5.6.1: all = every bucket, indirect = the one bucket, fast-failover = first live bucket. */
  private runGroup(groupId: number, pkt: FakePacket, inPort: number, outputs: FakeOutput[]): void {
    const group = this.groups.get(groupId);
    if (group === undefined) return;
    if (group.type === 'fast-failover') {
      const live = group.buckets.find((b) => b.watchPort === undefined || this.isPortUp(b.watchPort));
      if (live) this.runActions(live.actions, pkt, inPort, outputs);
      return;
    }
    const buckets = group.type === 'all' ? group.buckets : group.buckets.slice(0, 1);
    for (const b of buckets) this.runActions(b.actions, pkt, inPort, outputs);
  }
}

/** Writes of one apply as (map, key, previous value or undefined when absent) triples. */
type Undo = unknown[];

function put<K, V>(undo: Undo | null, map: Map<K, V>, k: K, v: V | undefined): void {
  undo?.push(map, k, map.get(k));
  if (v === undefined) map.delete(k);
  else map.set(k, v);
}

/** Adds `delta` to a use count; a count that drops to 0 is removed. */
function count(undo: Undo | null, uses: Map<number, number>, id: number, delta: number): void {
  const n = (uses.get(id) ?? 0) + delta;
  put(undo, uses, id, n === 0 ? undefined : n);
}

/** Whether two flows use the same meter and the same groups, in the same order. */
function sameUses(a: FlowRule, b: FlowRule): boolean {
  if (a.meterId !== b.meterId) return false;
  const x = a.actions;
  const y = b.actions;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < x.length && x[i].type !== 'group') i++;
    while (j < y.length && y[j].type !== 'group') j++;
    if (i === x.length || j === y.length) return i === x.length && j === y.length;
    if ((x[i] as { groupId: number }).groupId !== (y[j] as { groupId: number }).groupId) return false;
    i++;
    j++;
  }
}

function usesMeterOrGroup(f: FlowRule): boolean {
  if (f.meterId !== undefined) return true;
  const actions = f.actions;
  for (let i = 0; i < actions.length; i++) if (actions[i].type === 'group') return true;
  return false;
}

function batchWrites(b: DeviceBatch): number {
  return (
    b.addMeters.length +
    b.modifyMeters.length +
    b.addGroups.length +
    b.modifyGroups.length +
    b.addFlows.length +
    b.modifyFlows.length +
    b.deleteFlows.length +
    b.deleteGroups.length +
    b.deleteMeters.length
  );
}

function matches(m: FlowMatch, p: FakePacket, inPort: number): boolean {
  if (m.inPort !== undefined && m.inPort !== inPort) return false;
  if (m.ethSrc !== undefined && m.ethSrc !== p.ethSrc) return false;
  if (m.ethDst !== undefined && m.ethDst !== p.ethDst) return false;
  if (m.ethType !== undefined && m.ethType !== p.ethType) return false;
  if (m.vlanVid !== undefined && (p.vlans === undefined || p.vlans[0] !== m.vlanVid)) return false;
  if (m.ipProto !== undefined && m.ipProto !== p.ipProto) return false;
  if (!prefixMatches(m.ipv4Src, p.ipv4Src) || !prefixMatches(m.ipv4Dst, p.ipv4Dst)) return false;
  if (!prefixMatches(m.ipv6Src, p.ipv6Src) || !prefixMatches(m.ipv6Dst, p.ipv6Dst)) return false;
  if (m.tcpSrc !== undefined && m.tcpSrc !== p.tcpSrc) return false;
  if (m.tcpDst !== undefined && m.tcpDst !== p.tcpDst) return false;
  if (m.udpSrc !== undefined && m.udpSrc !== p.udpSrc) return false;
  if (m.udpDst !== undefined && m.udpDst !== p.udpDst) return false;
  if (m.arpOp !== undefined && m.arpOp !== p.arpOp) return false;
  return prefixMatches(m.arpSpa, p.arpSpa) && prefixMatches(m.arpTpa, p.arpTpa);
}

const parsed = new Map<string, ReturnType<typeof parseIpPrefix>>();

function parse(text: string): ReturnType<typeof parseIpPrefix> {
  let p = parsed.get(text);
  if (p === undefined) {
    p = parseIpPrefix(text);
    if (parsed.size > 10000) parsed.clear();
    parsed.set(text, p);
  }
  return p;
}

function prefixMatches(prefix: string | undefined, address: string | undefined): boolean {
  if (prefix === undefined) return true;
  if (address === undefined) return false;
  const p = parse(prefix);
  const a = parse(address);
  if (p.family !== a.family) return false;
  const bits = p.family === 4 ? 32 : 128;
  const shift = BigInt(bits - p.length);
  return a.network >> shift === p.network >> shift;
}
