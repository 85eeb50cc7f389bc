import { collapseIPv6Number, IPv4, IPv4CidrRange, IPv6, Validator } from 'ip-num';
import { SdncError } from '../model/errors.js';

export interface IpPrefix {
  readonly family: 4 | 6;
  /** Network address with the host bits cleared. */
  readonly network: bigint;
  readonly length: number;
  /** Canonical text, e.g. "10.1.0.0/16", "2001:db8::/32". */
  readonly text: string;
}

/**
 * Parses an address or CIDR prefix. A bare address is a host route (/32, /128). An interface address
 * with host bits set ("10.0.1.10/24") names that one host, not the whole subnet: several hosts share a
 * subnet, so only the host is owned. Throws SDNC_ERR_INVALID_PREFIX with the offending text.
 */
export function parseIpPrefix(value: string): IpPrefix {
  const text = value.trim();
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? undefined : text.slice(slash + 1);
  const family = Validator.isValidIPv4String(addr)[0] ? 4 : Validator.isValidIPv6String(addr)[0] ? 6 : 0;
  if (family === 0) throw new SdncError('SDNC_ERR_INVALID_PREFIX', { value });
  const bits = family === 4 ? 32 : 128;
  if (lenText !== undefined && !/^\d{1,3}$/.test(lenText)) throw new SdncError('SDNC_ERR_INVALID_PREFIX', { value });
  let length = lenText === undefined ? bits : Number(lenText);
  if (length > bits || length < 0) throw new SdncError('SDNC_ERR_INVALID_PREFIX', { value });

  const ip = family === 4 ? IPv4.fromString(addr) : IPv6.fromString(addr);
  const raw = ip.getValue();
  const mask = maskOf(length, bits);
  if ((raw & ~mask & ((1n << BigInt(bits)) - 1n)) !== 0n) length = bits;
  const network = raw & maskOf(length, bits);
  // RFC 5952 text: IPv6 compressed ("2001:db8:1::/48"), IPv4 dotted quad.
  const canonical =
    family === 4
      ? IPv4CidrRange.fromCidr(`${IPv4.fromNumber(network).toString()}/${length}`).toCidrString()
      : `${collapseIPv6Number(IPv6.fromBigInt(network).toString())}/${length}`;
  return { family, network, length, text: canonical };
}

function maskOf(length: number, bits: number): bigint {
  if (length === 0) return 0n;
  return ((1n << BigInt(length)) - 1n) << BigInt(bits - length);
}

export interface PrefixMatch<T> {
  readonly owner: T;
  readonly prefix: IpPrefix;
}

/**
 * Longest-prefix match from an address to the owner of the most specific prefix that contains it.
 * One hash map per (family, prefix length); a lookup probes at most 33 (IPv4) or 129 (IPv6) maps from
 * the longest length down, so it costs O(address bits) regardless of how many prefixes are stored.
 */
export class PrefixIndex<T> {
  private readonly tables = new Map<string, Map<bigint, PrefixMatch<T>>>();
  private readonly lengths: Record<4 | 6, number[]> = { 4: [], 6: [] };

  /** Adds a prefix; throws SDNC_ERR_PREFIX_CONFLICT when the same prefix already has another owner. */
  add(prefixText: string, owner: T, ownerName: (o: T) => string = String): IpPrefix {
    const prefix = parseIpPrefix(prefixText);
    const key = `${prefix.family}/${prefix.length}`;
    let table = this.tables.get(key);
    const existing = table?.get(prefix.network);
    if (existing && existing.owner !== owner) {
      throw new SdncError('SDNC_ERR_PREFIX_CONFLICT', { prefix: prefix.text, owner: ownerName(existing.owner) });
    }
    if (!table) {
      table = new Map();
      this.tables.set(key, table);
      const lens = this.lengths[prefix.family];
      lens.push(prefix.length);
      lens.sort((a, b) => b - a);
    }
    table.set(prefix.network, { owner, prefix });
    return prefix;
  }

  /** Removes every prefix of `owner`. */
  removeOwner(owner: T): void {
    for (const table of this.tables.values()) {
      for (const [net, m] of table) if (m.owner === owner) table.delete(net);
    }
  }

  /** Removes every prefix. */
  clear(): void {
    this.tables.clear();
    this.lengths[4].length = 0;
    this.lengths[6].length = 0;
  }

  lookup(address: string): PrefixMatch<T> | undefined {
    const host = parseIpPrefix(address);
    const bits = host.family === 4 ? 32 : 128;
    for (const len of this.lengths[host.family]) {
      if (len > host.length) continue;
      const hit = this.tables.get(`${host.family}/${len}`)?.get(host.network & maskOf(len, bits));
      if (hit) return hit;
    }
    return undefined;
  }
}
