import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLldpProbe, isLldpFrame, parseLldp } from '../../../../src/southbound/discovery/lldp-frame.js';

interface Golden {
  datapathId: string;
  port: number;
  srcMac: string;
  instance: string;
  sendTimeNs: string;
  ttlS: number;
  hex: string;
}

// Built by os-ken's packet library: fixtures/gen-lldp-golden.py.
const golden: Golden[] = JSON.parse(readFileSync(new URL('./fixtures/lldp-golden.json', import.meta.url), 'utf8'));

describe('LLDP probe frames', () => {
  it.each(golden)('encodes byte-identical to os-ken for $datapathId port $port', (g) => {
    const frame = buildLldpProbe({ ...g, sendTimeNs: BigInt(g.sendTimeNs) });
    expect(frame.toString('hex')).toBe(g.hex);
  });

  it.each(golden)('parses the os-ken frame for $datapathId back to the probe', (g) => {
    const parsed = parseLldp(Buffer.from(g.hex, 'hex'));
    expect(parsed).toEqual({
      kind: 'probe',
      probe: { datapathId: g.datapathId, port: g.port, instance: g.instance, sendTimeNs: BigInt(g.sendTimeNs) },
    });
  });

  it('pads short frames to the Ethernet minimum of 60 bytes', () => {
    const frame = buildLldpProbe({
      datapathId: '0000000000000001',
      port: 1,
      srcMac: '00:00:00:00:00:01',
      instance: '0000000000000001',
      sendTimeNs: 1n,
    });
    expect(frame.length).toBeGreaterThanOrEqual(60);
    expect(isLldpFrame(frame)).toBe(true);
  });

  it('reports an LLDP frame from another agent as foreign with its ids', () => {
    const g = golden[0];
    // Cut the frame after TTL and append End: no instance/timestamp TLVs.
    const bytes = Buffer.from(g.hex, 'hex');
    const ttlEnd = 14 + 2 + 22 + 2 + 2 + 2 + 2;
    const frame = Buffer.concat([bytes.subarray(0, ttlEnd), Buffer.from([0, 0])]);
    expect(parseLldp(frame)).toEqual({ kind: 'foreign', chassisId: 'dpid:0000000000000001', portId: '1' });
  });

  it('rejects truncated and misordered frames with a reason', () => {
    const bytes = Buffer.from(golden[0].hex, 'hex');
    const truncated = parseLldp(bytes.subarray(0, 30));
    expect(truncated.kind).toBe('invalid');
    const swapped = Buffer.from(bytes);
    swapped.writeUInt16BE((2 << 9) | 22, 14); // chassis TLV relabelled as port id
    expect(parseLldp(swapped)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('expected 1') });
    const ipv4 = Buffer.from(bytes);
    ipv4.writeUInt16BE(0x0800, 12);
    expect(parseLldp(ipv4).kind).toBe('invalid');
  });

  it('rejects bad ids when building', () => {
    expect(() =>
      buildLldpProbe({ datapathId: '1', port: 1, srcMac: '00:00:00:00:00:01', instance: '0000000000000001', sendTimeNs: 0n }),
    ).toThrow(RangeError);
    expect(() =>
      buildLldpProbe({ datapathId: '0000000000000001', port: 1, srcMac: 'zz', instance: '0000000000000001', sendTimeNs: 0n }),
    ).toThrow(RangeError);
  });
});
