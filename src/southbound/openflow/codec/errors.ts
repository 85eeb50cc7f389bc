/**
 * The one error the codec throws. It says where in the message (byte offset from the start of the
 * message) and in which message type decoding or encoding failed, so the session can log a precise
 * reason, answer the peer with OFPET_BAD_REQUEST and close that one connection.
 */
export class OfpCodecError extends Error {
  /** Byte offset from the start of the message (or of the stream, for the framer). */
  readonly offset: number;
  /** ofp_type of the message being decoded or encoded; undefined when the header itself was unreadable. */
  readonly msgType: number | undefined;
  /** Transaction id of the message when the header was readable, for an OFPT_ERROR reply. */
  readonly xid: number | undefined;

  constructor(message: string, offset: number, msgType?: number, xid?: number) {
    super(msgType === undefined ? `${message} (at byte ${offset})` : `${message} (message type ${msgType}, at byte ${offset})`);
    this.name = 'OfpCodecError';
    this.offset = offset;
    this.msgType = msgType;
    this.xid = xid;
  }
}
