import { OfpCodecError } from './errors.js';
import type { OfpMessage } from './types.js';

// Interim entry points so dependants can compile against the API; the full codec replaces this file.
export function encodeMessage(msg: OfpMessage): Buffer {
  throw new OfpCodecError('encoder not available yet', 0, typeof msg.type === 'number' ? msg.type : msg.msgType);
}

export function decodeMessage(buf: Buffer): OfpMessage {
  throw new OfpCodecError('decoder not available yet', 0, buf.length > 1 ? buf[1] : undefined);
}
