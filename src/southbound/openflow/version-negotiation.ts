import { helloVersions, OFP_VERSION, type OfpHello, OfpHelloElemType, OfpType, versionBitmaps } from './codec/index.js';

export type NegotiationResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Version negotiation on HELLO (OpenFlow 1.3.5 section 6.3.1). With a version bitmap in either HELLO
 * the negotiated version is the highest one both bitmaps have; without, it is the smaller of the two
 * header versions. We speak only 1.3 (0x04), so negotiation succeeds exactly when that is the result.
 */
export function negotiateVersion(peer: OfpHello): NegotiationResult {
  const hasBitmap = peer.elements.some((e) => e.type === OfpHelloElemType.OFPHET_VERSIONBITMAP);
  const offered = helloVersions(peer);
  const ok = hasBitmap ? offered.includes(OFP_VERSION) : Math.min(peer.version ?? OFP_VERSION, OFP_VERSION) === OFP_VERSION;
  if (ok) return { ok: true };
  const what = hasBitmap
    ? `offers OpenFlow wire versions [${offered.map(hex).join(', ')}]`
    : `speaks OpenFlow wire version ${hex(peer.version ?? 0)}`;
  return { ok: false, reason: `peer ${what}; this controller speaks only 0x04 (OpenFlow 1.3)` };
}

/** Our HELLO: header version 0x04 and a bitmap with only 1.3 in it. */
export function ourHello(xid: number): OfpHello {
  return {
    type: OfpType.OFPT_HELLO,
    xid,
    elements: [{ type: OfpHelloElemType.OFPHET_VERSIONBITMAP, bitmaps: versionBitmaps([OFP_VERSION]) }],
  };
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(2, '0')}`;
}
