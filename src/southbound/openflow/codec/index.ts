/**
 * OpenFlow 1.3 codec: typed messages <-> bytes, no sockets. The session layer frames the TCP stream
 * with OfpFramer, decodes each whole message with decodeMessage and sends encodeMessage's output.
 */
export { describeError, errorCodeName, errorTypeName } from './error-names.js';
export { OfpCodecError } from './errors.js';
export { OfpFramer } from './framer.js';
export { helloVersions, versionBitmaps } from './hello-codec.js';
export { decodeMessage, encodeMessage, isHelloFailed } from './message-codec.js';
export * from './types.js';
