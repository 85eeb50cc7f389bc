import { describe, expect, it } from 'vitest';
import { datapathIdOf, parseP4DeviceList } from '../../../../src/southbound/p4runtime/p4-device-config.js';

describe('P4 device settings', () => {
  it('parses host:port,deviceId[,electionId] lists', () => {
    expect(parseP4DeviceList('10.0.0.5:9559,1;  [::1]:9560,2,7')).toEqual([
      { address: '10.0.0.5:9559', deviceId: 1n, electionId: 1n },
      { address: '[::1]:9560', deviceId: 2n, electionId: 7n },
    ]);
    expect(parseP4DeviceList('')).toEqual([]);
  });

  it('names the setting and the entry when one is wrong', () => {
    expect(() => parseP4DeviceList('switch1,1')).toThrow(/p4Devices entry "switch1,1": the address must be host:port/);
    expect(() => parseP4DeviceList('h:1,x')).toThrow(/device id must be a decimal/);
    expect(() => parseP4DeviceList('h:1,1;h:2,1')).toThrow(/configured twice/);
  });

  it('derives tagged 16-hex-digit datapath ids (bmv2 device id 0 included)', () => {
    expect(datapathIdOf(0n)).toBe('5034000000000000');
    expect(datapathIdOf(0x1234n)).toBe('5034000000001234');
    expect(() => datapathIdOf(1n << 48n)).toThrow();
  });
});
