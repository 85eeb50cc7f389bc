import { SdncError } from '../../model/errors.js';
import type { P4RuntimeTarget } from './p4runtime-client.js';

/**
 * P4Runtime devices are named in the model by a 16-hex-digit datapath id like OpenFlow switches. It is
 * the P4Runtime device_id under the tag 0x5034 ("P4") in the top 16 bits, so a P4 device never takes
 * the datapath id of an OpenFlow switch with small numbers (Mininet's 1, 2, ...): device_id 1 is
 * 5034000000000001. Topology files name P4 switches by that id.
 */
export const P4_DATAPATH_TAG = 0x5034n;
const MAX_DEVICE_ID = (1n << 48n) - 1n;

export function datapathIdOf(deviceId: bigint): string {
  if (deviceId < 0n || deviceId > MAX_DEVICE_ID) throw new Error(`device id ${deviceId} is outside 0..2^48-1`);
  return ((P4_DATAPATH_TAG << 48n) | deviceId).toString(16).padStart(16, '0');
}

/**
 * Parses `host:port,deviceId[,electionId]` (several separated by ";" or whitespace); election id
 * defaults to 1 (0 is a valid election id, but an unset one never becomes primary).
 */
export function parseP4DeviceList(text: string): P4RuntimeTarget[] {
  const out: P4RuntimeTarget[] = [];
  const seen = new Set<bigint>();
  for (const item of text.split(/[;\s]+/).filter((s) => s.length > 0)) {
    const [address, deviceText, electionText, extra] = item.split(',');
    const fail = (why: string): never => {
      throw new SdncError('SDNC_ERR_CONFIG', { reason: `p4Devices entry "${item}": ${why}`, setting: 'p4Devices' });
    };
    if (extra !== undefined) fail('expected host:port,deviceId[,electionId]');
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(address ?? '');
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) fail('the address must be host:port');
    if (deviceText === undefined || !/^\d+$/.test(deviceText)) fail('the device id must be a decimal integer');
    const deviceId = BigInt(deviceText);
    if (deviceId > MAX_DEVICE_ID) fail('the device id must be below 2^48');
    if (seen.has(deviceId)) fail(`device id ${deviceId} is configured twice`);
    seen.add(deviceId);
    if (electionText !== undefined && !/^\d+$/.test(electionText)) fail('the election id must be a decimal integer');
    const electionId = electionText === undefined ? 1n : BigInt(electionText);
    if (electionId >= 1n << 128n) fail('the election id must fit 128 bits');
    out.push({ address: address!, deviceId, electionId });
  }
  return out;
}
