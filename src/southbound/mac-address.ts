/**
 * MAC address text <-> the 6 bytes on the wire, shared by the OpenFlow codec (OXM values, port hardware
 * addresses) and link/host discovery (Ethernet headers, LLDP ids). Text is written "aa:bb:cc:dd:ee:ff"
 * (lower case); either ":" or "-" separators and either case are read.
 */

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The value of one hexadecimal digit's character code, -1 when it is not one. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** "aa:bb:cc:dd:ee:ff" (":" or "-" separators, any case) into 6 bytes at `off`; false when malformed. */
export function writeMac(buf: Uint8Array, off: number, text: string): boolean {
  if (text.length !== 17) return false;
  for (let i = 0; i < 6; i++) {
    const p = i * 3;
    const hi = hexDigit(text.charCodeAt(p));
    const lo = hexDigit(text.charCodeAt(p + 1));
    if (hi < 0 || lo < 0) return false;
    if (i < 5) {
      const sep = text.charCodeAt(p + 2);
      if (sep !== 58 && sep !== 45) return false;
    }
    buf[off + i] = (hi << 4) | lo;
  }
  return true;
}

/** The 6 bytes at `off` as "aa:bb:cc:dd:ee:ff". */
export function readMac(buf: Uint8Array, off: number): string {
  return `${HEX_BYTE[buf[off]]}:${HEX_BYTE[buf[off + 1]]}:${HEX_BYTE[buf[off + 2]]}:${HEX_BYTE[buf[off + 3]]}:${HEX_BYTE[buf[off + 4]]}:${HEX_BYTE[buf[off + 5]]}`;
}
