import { OfpMultipartType, OfpType } from './constants.js';
import { decodeMatch, encodeMatch } from './oxm-codec.js';
import type { OfpMultipartRequest } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** Request bodies after the 16-byte ofp_multipart_request header (A.3.5). */
export function encodeMultipartRequestBody(w: WireWriter, m: OfpMultipartRequest): void {
  if (m.mpType === 'raw') {
    w.bytes(m.body);
    return;
  }
  switch (m.mpType) {
    case OfpMultipartType.OFPMP_DESC:
    case OfpMultipartType.OFPMP_TABLE:
    case OfpMultipartType.OFPMP_GROUP_DESC:
    case OfpMultipartType.OFPMP_GROUP_FEATURES:
    case OfpMultipartType.OFPMP_METER_FEATURES:
    case OfpMultipartType.OFPMP_PORT_DESC:
      return;
    case OfpMultipartType.OFPMP_FLOW:
    case OfpMultipartType.OFPMP_AGGREGATE:
      // ofp_flow_stats_request / ofp_aggregate_stats_request (A.3.5.2, A.3.5.3).
      w.u8(m.tableId);
      w.zeros(3);
      w.u32(m.outPort);
      w.u32(m.outGroup);
      w.zeros(4);
      w.u64(m.cookie);
      w.u64(m.cookieMask);
      encodeMatch(w, m.match);
      return;
    case OfpMultipartType.OFPMP_PORT_STATS:
      w.u32(m.portNo);
      w.zeros(4);
      return;
    case OfpMultipartType.OFPMP_QUEUE:
      w.u32(m.portNo);
      w.u32(m.queueId);
      return;
    case OfpMultipartType.OFPMP_GROUP:
      w.u32(m.groupId);
      w.zeros(4);
      return;
    case OfpMultipartType.OFPMP_METER:
    case OfpMultipartType.OFPMP_METER_CONFIG:
      w.u32(m.meterId);
      w.zeros(4);
      return;
    default:
      w.fail(`unknown multipart request type ${(m as { mpType: unknown }).mpType}`);
  }
}

/** Decodes the body (the reader is positioned after the multipart header, limited to the message). */
export function decodeMultipartRequest(r: WireReader, xid: number, flags: number, mpType: number): OfpMultipartRequest {
  const type = OfpType.OFPT_MULTIPART_REQUEST;
  switch (mpType) {
    case OfpMultipartType.OFPMP_DESC:
    case OfpMultipartType.OFPMP_TABLE:
    case OfpMultipartType.OFPMP_GROUP_DESC:
    case OfpMultipartType.OFPMP_GROUP_FEATURES:
    case OfpMultipartType.OFPMP_METER_FEATURES:
    case OfpMultipartType.OFPMP_PORT_DESC:
      return { type, xid, flags, mpType };
    case OfpMultipartType.OFPMP_FLOW:
    case OfpMultipartType.OFPMP_AGGREGATE: {
      const tableId = r.u8();
      r.skip(3);
      const outPort = r.u32();
      const outGroup = r.u32();
      r.skip(4);
      const cookie = r.u64();
      const cookieMask = r.u64();
      return { type, xid, flags, mpType, tableId, outPort, outGroup, cookie, cookieMask, match: decodeMatch(r) };
    }
    case OfpMultipartType.OFPMP_PORT_STATS: {
      const portNo = r.u32();
      r.skip(4);
      return { type, xid, flags, mpType, portNo };
    }
    case OfpMultipartType.OFPMP_QUEUE:
      return { type, xid, flags, mpType, portNo: r.u32(), queueId: r.u32() };
    case OfpMultipartType.OFPMP_GROUP: {
      const groupId = r.u32();
      r.skip(4);
      return { type, xid, flags, mpType, groupId };
    }
    case OfpMultipartType.OFPMP_METER:
    case OfpMultipartType.OFPMP_METER_CONFIG: {
      const meterId = r.u32();
      r.skip(4);
      return { type, xid, flags, mpType, meterId };
    }
    default:
      return { type, xid, flags, mpType: 'raw', rawMpType: mpType, body: r.bytes(r.remaining) };
  }
}
