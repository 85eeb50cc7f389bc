import { type IpPrefix, parseIpPrefix } from '../topology/prefix-index.js';

const MAX_ENTRIES = 65536;
const cache = new Map<string, IpPrefix>();

/**
 * parseIpPrefix with memory: compiling and classifying parse the same few host prefixes again and again
 * (every intent between two hosts), and parsing through ip-num costs microseconds each. Bounded: the
 * cache is dropped whole when full, which costs a re-parse, never a wrong answer.
 */
export function prefixOf(text: string): IpPrefix {
  let p = cache.get(text);
  if (p === undefined) {
    p = parseIpPrefix(text);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(text, p);
  }
  return p;
}
