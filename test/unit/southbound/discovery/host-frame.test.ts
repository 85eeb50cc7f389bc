import { describe, expect, it } from 'vitest';
import { frameSender } from '../../../../src/southbound/discovery/host-frame.js';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('frameSender', () => {
  it('reads the sender of an ARP request', () => {
    const arp = hex('ffffffffffff 0a0000000001 0806 0001 0800 06 04 0001 0a0000000001 c0a80102 000000000000 c0a80103');
    expect(frameSender(arp)).toEqual({ mac: '0a:00:00:00:00:01', ip: '192.168.1.2' });
  });
  it('reads the source of an 802.1Q-tagged IPv4 packet', () => {
    const ip = hex('0a0000000002 0a0000000001 8100 0064 0800 4500001c000000004001 0000 0a000001 0a000002');
    expect(frameSender(ip)).toEqual({ mac: '0a:00:00:00:00:01', ip: '10.0.0.1' });
  });
  it('keeps only the MAC for ARP probes and other EtherTypes', () => {
    const probe = hex('ffffffffffff 0a0000000001 0806 0001 0800 06 04 0001 0a0000000001 00000000 000000000000 c0a80103');
    expect(frameSender(probe)).toEqual({ mac: '0a:00:00:00:00:01' });
    expect(frameSender(hex('ffffffffffff 0a0000000001 86dd 00'))).toEqual({ mac: '0a:00:00:00:00:01' });
  });
  it('ignores group source addresses and runt frames', () => {
    expect(frameSender(hex('ffffffffffff 0100000000aa 0800'))).toBeUndefined();
    expect(frameSender(hex('ffff'))).toBeUndefined();
  });
});
