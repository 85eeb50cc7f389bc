import { OfpHelloElemType } from './constants.js';
import type { OfpHello, OfpHelloElem } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/**
 * HELLO elements (A.5.1): each a 4-byte header (type, length without padding) and a body padded to
 * 8 bytes. The version bitmap lets both sides pick the highest common version (6.3.1).
 */
export function encodeHelloElements(w: WireWriter, elements: readonly OfpHelloElem[]): void {
  for (const e of elements) {
    if (e.type === 'raw') {
      w.bytes(e.bytes);
      continue;
    }
    if (e.type !== OfpHelloElemType.OFPHET_VERSIONBITMAP) w.fail(`unknown hello element type ${(e as { type: unknown }).type}`);
    const start = w.pos;
    w.u16(e.type);
    w.u16(4 + 4 * e.bitmaps.length);
    for (const word of e.bitmaps) w.u32(word);
    w.pad8(start);
  }
}

export function decodeHelloElements(r: WireReader): OfpHelloElem[] {
  const elements: OfpHelloElem[] = [];
  while (r.pos < r.end) {
    const at = r.pos;
    const type = r.u16();
    const len = r.u16();
    if (len < 4) r.fail(`hello element length ${len} is below 4`, at + 2);
    const padded = (len + 7) & ~7;
    // The last element's padding may be missing in the wild; accept a body that ends with the message.
    const span = Math.min(padded, r.end - at);
    if (span < len) r.fail(`hello element length ${len} runs past the message`, at + 2);
    if (type === OfpHelloElemType.OFPHET_VERSIONBITMAP && (len - 4) % 4 === 0) {
      const bitmaps: number[] = [];
      for (let i = 4; i < len; i += 4) bitmaps.push(r.u32());
      elements.push({ type, bitmaps });
    } else {
      elements.push({ type: 'raw', elemType: type, bytes: Buffer.from(r.buf.subarray(at, at + span)) });
    }
    r.pos = at + span;
  }
  return elements;
}

/** The version bitmap words advertising exactly these versions. */
export function versionBitmaps(versions: readonly number[]): number[] {
  const words: number[] = [];
  for (const v of versions) {
    const word = v >>> 5;
    while (words.length <= word) words.push(0);
    words[word] = (words[word] | (1 << (v & 31))) >>> 0;
  }
  return words;
}

/**
 * Versions a HELLO advertises: its bitmap when present, otherwise only the header version (a peer
 * without the bitmap supports every version up to that one, 6.3.1, but only that one is certain).
 */
export function helloVersions(hello: OfpHello): number[] {
  const bitmap = hello.elements.find((e) => e.type === OfpHelloElemType.OFPHET_VERSIONBITMAP);
  if (!bitmap) return [hello.version ?? 4];
  const versions: number[] = [];
  bitmap.bitmaps.forEach((word, i) => {
    for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) versions.push(i * 32 + bit);
  });
  return versions;
}
