import { describe, expect, it } from 'vitest';
import { SdncError } from '../../../src/model/errors.js';
import { PrefixIndex, parseIpPrefix } from '../../../src/topology/prefix-index.js';

describe('parseIpPrefix', () => {
  it('canonicalises prefixes and treats bare addresses as host routes', () => {
    expect(parseIpPrefix('10.1.0.0/16')).toMatchObject({ family: 4, length: 16, text: '10.1.0.0/16' });
    expect(parseIpPrefix('10.1.2.3').text).toBe('10.1.2.3/32');
    expect(parseIpPrefix('2001:db8::/32')).toMatchObject({ family: 6, length: 32, text: '2001:db8::/32' });
    expect(parseIpPrefix('2001:db8:1:0:0:0:0:5').text).toBe('2001:db8:1::5/128');
    expect(parseIpPrefix('2001:db8::1').length).toBe(128);
  });

  it('reads an interface address with host bits as that one host', () => {
    expect(parseIpPrefix('10.0.1.10/24').text).toBe('10.0.1.10/32');
  });

  it.each(['10.0.0.256', '10.0.0.0/33', 'fe80::/129', 'hello', '', '10.0.0.0/-1', '10.0.0.0/1a', '2001:db8:::1'])(
    'rejects %j with SDNC_ERR_INVALID_PREFIX',
    (bad) => {
      expect(() => parseIpPrefix(bad)).toThrow(SdncError);
      try {
        parseIpPrefix(bad);
      } catch (e) {
        expect((e as SdncError).code).toBe('SDNC_ERR_INVALID_PREFIX');
      }
    },
  );
});

describe('PrefixIndex', () => {
  it('answers the most specific owner (longest-prefix match) for IPv4 and IPv6', () => {
    const idx = new PrefixIndex<string>();
    idx.add('10.0.0.0/8', 'site-a');
    idx.add('10.1.0.0/16', 'site-b');
    idx.add('10.1.2.3', 'host-c');
    idx.add('2001:db8::/32', 'site-v6');
    idx.add('2001:db8:1::/48', 'edge-v6');
    expect(idx.lookup('10.9.9.9')?.owner).toBe('site-a');
    expect(idx.lookup('10.1.9.9')?.owner).toBe('site-b');
    expect(idx.lookup('10.1.2.3')?.owner).toBe('host-c');
    expect(idx.lookup('10.1.0.0/24')?.owner).toBe('site-b');
    expect(idx.lookup('11.0.0.1')).toBeUndefined();
    expect(idx.lookup('2001:db8:1::5')?.owner).toBe('edge-v6');
    expect(idx.lookup('2001:db8:2::5')?.owner).toBe('site-v6');
    expect(idx.lookup('2001:db9::1')).toBeUndefined();
  });

  it('refuses a prefix owned by someone else and forgets an owner on removal', () => {
    const idx = new PrefixIndex<string>();
    idx.add('192.0.2.0/24', 'a');
    expect(() => idx.add('192.0.2.0/24', 'b')).toThrow(/already owned by endpoint a/);
    idx.removeOwner('a');
    expect(idx.lookup('192.0.2.7')).toBeUndefined();
    idx.add('192.0.2.0/24', 'b');
    expect(idx.lookup('192.0.2.7')?.owner).toBe('b');
  });

  it('forgets everything on clear', () => {
    const idx = new PrefixIndex<string>();
    idx.add('192.0.2.0/24', 'a');
    idx.add('2001:db8::/32', 'a');
    idx.clear();
    expect(idx.lookup('192.0.2.7')).toBeUndefined();
    expect(idx.lookup('2001:db8::1')).toBeUndefined();
    idx.add('192.0.2.0/25', 'b');
    expect(idx.lookup('192.0.2.7')?.owner).toBe('b');
  });
});
