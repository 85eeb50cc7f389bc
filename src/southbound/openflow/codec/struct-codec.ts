/** Structures shared by several messages: ofp_port, ofp_bucket, meter bands. */

import { decodeActions, encodeActions } from './action-codec.js';
import { readMac, writeMac } from './address-codec.js';
import { OfpMeterBandType } from './constants.js';
import type { OfpBucket, OfpMeterBand, OfpPort } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** OFP_MAX_PORT_NAME_LEN (A.2.1). */
const PORT_NAME_LEN = 16;
export const PORT_LEN = 64;
const BUCKET_HEADER_LEN = 16;
const METER_BAND_LEN = 16;

export function encodeHwAddr(w: WireWriter, mac: string): void {
  if (!writeMac(w.buf, w.take(6), mac)) w.fail(`"${mac}" is not a MAC address`);
}

export function decodeHwAddr(r: WireReader): string {
  const at = r.pos;
  r.skip(6);
  return readMac(r.buf, at);
}

/** ofp_port (A.2.1), 64 bytes. */
export function encodePort(w: WireWriter, p: OfpPort): void {
  w.u32(p.portNo);
  w.zeros(4);
  encodeHwAddr(w, p.hwAddr);
  w.zeros(2);
  w.fixedString(p.name, PORT_NAME_LEN);
  w.u32(p.config);
  w.u32(p.state);
  w.u32(p.curr);
  w.u32(p.advertised);
  w.u32(p.supported);
  w.u32(p.peer);
  w.u32(p.currSpeedKbps);
  w.u32(p.maxSpeedKbps);
}

export function decodePort(r: WireReader): OfpPort {
  r.need(PORT_LEN, 'ofp_port');
  const portNo = r.u32();
  r.skip(4);
  const hwAddr = decodeHwAddr(r);
  r.skip(2);
  return {
    portNo,
    hwAddr,
    name: r.fixedString(PORT_NAME_LEN),
    config: r.u32(),
    state: r.u32(),
    curr: r.u32(),
    advertised: r.u32(),
    supported: r.u32(),
    peer: r.u32(),
    currSpeedKbps: r.u32(),
    maxSpeedKbps: r.u32(),
  };
}

/** ofp_bucket (A.3.4.2): len, weight, watch_port, watch_group, pad, actions. */
export function encodeBucket(w: WireWriter, b: OfpBucket): void {
  const start = w.pos;
  w.u16(0);
  w.u16(b.weight);
  w.u32(b.watchPort);
  w.u32(b.watchGroup);
  w.zeros(4);
  encodeActions(w, b.actions);
  w.patchU16(start, w.pos - start);
}

export function decodeBucket(r: WireReader): OfpBucket {
  const at = r.pos;
  const len = r.u16();
  if (len < BUCKET_HEADER_LEN) r.fail(`bucket length ${len} is below ${BUCKET_HEADER_LEN}`, at);
  const weight = r.u16();
  const watchPort = r.u32();
  const watchGroup = r.u32();
  r.skip(4);
  return { weight, watchPort, watchGroup, actions: decodeActions(r, len - BUCKET_HEADER_LEN) };
}

export function encodeBuckets(w: WireWriter, buckets: readonly OfpBucket[]): void {
  for (let i = 0; i < buckets.length; i++) encodeBucket(w, buckets[i]);
}

/** Buckets filling exactly `len` bytes. */
export function decodeBuckets(r: WireReader, len: number): OfpBucket[] {
  const outer = r.enter(len, 'bucket list');
  const buckets: OfpBucket[] = [];
  while (r.pos < r.end) buckets.push(decodeBucket(r));
  r.restore(outer, 'bucket list');
  return buckets;
}

/** Meter bands (A.3.4.4): a 12-byte header (type, len, rate, burst_size) and 4 type-specific bytes. */
export function encodeMeterBand(w: WireWriter, band: OfpMeterBand): void {
  if (band.type === 'raw') {
    w.bytes(band.bytes);
    return;
  }
  w.u16(band.type);
  w.u16(METER_BAND_LEN);
  w.u32(band.rate);
  w.u32(band.burstSize);
  if (band.type === OfpMeterBandType.OFPMBT_DSCP_REMARK) {
    w.u8(band.precLevel);
    w.zeros(3);
  } else if (band.type === OfpMeterBandType.OFPMBT_DROP) {
    w.zeros(4);
  } else {
    w.fail(`unknown meter band type ${(band as { type: unknown }).type}`);
  }
}

export function decodeMeterBand(r: WireReader): OfpMeterBand {
  const at = r.pos;
  const type = r.u16();
  const len = r.u16();
  if (len < METER_BAND_LEN) r.fail(`meter band length ${len} is below ${METER_BAND_LEN}`, at + 2);
  const outer = r.enter(len - 4, 'meter band');
  let band: OfpMeterBand;
  if (type === OfpMeterBandType.OFPMBT_DROP) {
    band = { type, rate: r.u32(), burstSize: r.u32() };
    r.skip(4);
  } else if (type === OfpMeterBandType.OFPMBT_DSCP_REMARK) {
    band = { type, rate: r.u32(), burstSize: r.u32(), precLevel: r.u8() };
    r.skip(3);
  } else {
    r.pos = r.end;
    band = { type: 'raw', bandType: type, bytes: Buffer.from(r.buf.subarray(at, r.end)) };
  }
  r.restore(outer, 'meter band');
  return band;
}

export function encodeMeterBands(w: WireWriter, bands: readonly OfpMeterBand[]): void {
  for (let i = 0; i < bands.length; i++) encodeMeterBand(w, bands[i]);
}

/** Meter bands filling the rest of the current structure. */
export function decodeMeterBands(r: WireReader): OfpMeterBand[] {
  const bands: OfpMeterBand[] = [];
  while (r.pos < r.end) bands.push(decodeMeterBand(r));
  return bands;
}
