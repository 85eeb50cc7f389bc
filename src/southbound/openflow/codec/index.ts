/**
 * OpenFlow 1.3 codec: typed messages <-> bytes, no sockets. The session layer frames the TCP stream
 * with OfpFramer, decodes each whole message with decodeMessage and sends encodeMessage's output.
 */
export { OfpCodecError } from './errors.js';
export { OfpFramer } from './framer.js';
export { decodeMessage, encodeMessage } from './message-codec.js';
export * from './types.js';
