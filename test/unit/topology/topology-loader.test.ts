import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEuContinuum } from '../../../scripts/gen-eu-continuum.js';
import { SdncError } from '../../../src/model/errors.js';
import { fibreLatencyMs, greatCircleKm } from '../../../src/topology/fibre-model.js';
import { type LoadedTopology, loadTopologyFile, parseTopology } from '../../../src/topology/topology-loader.js';

const VALID = `
providers:
  - { id: p1, name: One, kind: telco, costPerMbps: 2 }
  - { id: p2, name: Two, kind: cloud }
nodes:
  - { id: a, kind: telco-edge, name: A, provider: p1, jurisdiction: FR, location: { lat: 48.8566, lon: 2.3522 }, datapathId: "0x1F" }
  - { id: b, kind: cloud-region, name: B, provider: p2, jurisdiction: DE, location: { lat: 50.1109, lon: 8.6821 } }
  - { id: c, kind: switch, name: C, provider: p1, jurisdiction: DE, datapathId: "00000000000000AB", ports: [{ number: 1 }, { number: 2, name: uplink }] }
endpoints:
  - { id: h1, name: Host, addresses: ["10.0.0.1/24", "2001:db8::/64"], mac: "AA:00:00:00:00:01", attachment: { node: c, port: 1 } }
cables:
  - { id: ab, a: { node: a, port: 3 }, b: { node: b }, capacityMbps: 1000, provider: p1, srlgs: [d1] }
  - { id: bc, a: { node: b }, b: { node: c, port: 2 }, capacityMbps: 10, latencyMs: 4, cost: 7, energyJPerGbit: 1.5, provider: p2 }
`;

/** The problems a file is rejected with (the test fails when it loads). */
function problems(text: string): string[] {
  try {
    parseTopology(text, 'topology/x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SdncError);
    expect((e as SdncError).code).toBe('SDNC_ERR_TOPOLOGY_FILE');
    return (e as SdncError).details.problems as string[];
  }
  throw new Error('the file loaded but should have been rejected');
}

/** VALID with one line replaced. */
function variant(find: string, replace: string): string {
  expect(VALID).toContain(find);
  return VALID.replace(find, replace);
}

describe('parseTopology', () => {
  it('turns a valid file into nodes, endpoints and a pair of directed links per cable', () => {
    const t = parseTopology(VALID, 'x.yaml');
    expect(t.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['a', 'telco-edge'],
      ['b', 'cloud-region'],
      ['c', 'switch'],
      ['h1', 'endpoint'],
    ]);
    const [a, , c, h1] = t.nodes;
    expect(a.datapathId).toBe('000000000000001f');
    // Nodes with a switch wait for it to connect; endpoints follow their attachment node.
    expect(t.nodes.map((n) => n.operUp)).toEqual([false, true, false, false]);
    expect(a.ports).toEqual([{ number: 3, name: 'eth3', up: true }]);
    expect(c.datapathId).toBe('00000000000000ab');
    expect(c.ports).toEqual([
      { number: 1, name: 'eth1', up: true },
      { number: 2, name: 'uplink', up: true },
    ]);
    expect(h1).toMatchObject({
      provider: 'p1',
      jurisdiction: 'DE',
      mac: 'aa:00:00:00:00:01',
      attachment: { node: 'c', port: 1 },
    });

    expect(t.links.map((l) => [l.id, l.src, l.dst, l.srcPort, l.dstPort])).toEqual([
      ['ab.a', 'a', 'b', 3, undefined],
      ['ab.b', 'b', 'a', undefined, 3],
      ['bc.a', 'b', 'c', undefined, 2],
      ['bc.b', 'c', 'b', 2, undefined],
    ]);
    const ab = t.links[0];
    // Paris-Frankfurt is 478 km on the great circle: 477.9 km x 1.4 x 0.005 ms/km = 3.345 ms.
    expect(greatCircleKm(t.nodes[0].location!, t.nodes[1].location!)).toBeCloseTo(478, 0);
    expect(ab.latencyMs).toBe(3.345);
    expect(ab).toMatchObject({ cost: 2, reservedMbps: 0, adminUp: true, operUp: true, discovered: false, srlgs: ['d1'] });
    expect(t.links[2]).toMatchObject({ latencyMs: 4, cost: 7, energyJPerGbit: 1.5, provider: 'p2' });
  });

  it('reports schema violations with the file, the JSON pointer, what is wrong and the line', () => {
    expect(problems(variant('capacityMbps: 10,', 'capacityMbps: 0,'))).toEqual([
      'topology/x.yaml: /cables/1/capacityMbps must be > 0 (line 13)',
    ]);
    expect(problems(variant('jurisdiction: DE, location', 'jurisdiction: Germany, location'))).toEqual([
      'topology/x.yaml: /nodes/1/jurisdiction must be an ISO 3166-1 alpha-2 country code in upper case (e.g. DE) (line 7)',
    ]);
    expect(problems(variant('datapathId: "00000000000000AB"', 'datapathId: 0000000000000171'))[0]).toMatch(
      /\/nodes\/2\/datapathId must be 16 hex digits in quotes .* YAML reads unquoted digits as a number/,
    );
    expect(problems(variant('kind: cloud }', 'kind: cloudy }'))[0]).toBe(
      'topology/x.yaml: /providers/1/kind must be one of "cloud", "telco", "exchange", "transit" (line 4)',
    );
    expect(problems(variant('{ id: h1,', '{ idd: h1,')).sort()).toEqual([
      "topology/x.yaml: /endpoints/0 has unknown property 'idd' (line 10)",
      "topology/x.yaml: /endpoints/0 is missing required property 'id' (line 10)",
    ]);
  });

  it('requires a datapath id on a node of kind switch', () => {
    expect(problems(variant(', datapathId: "00000000000000AB"', ''))).toEqual([
      "topology/x.yaml: /nodes/2 is missing required property 'datapathId' (line 8)",
    ]);
  });

  it.each([
    ['{ id: b, kind', '{ id: a, kind', "/nodes/1/id duplicate node id 'a' (first at /nodes/0)"],
    ['{ id: h1,', '{ id: c,', "/endpoints/0/id 'c' is already the id of node /nodes/2"],
    ['{ id: bc,', '{ id: ab,', "/cables/1/id duplicate cable id 'ab' (first at /cables/0)"],
    ['"00000000000000AB"', '"000000000000001f"', '/nodes/2/datapathId datapath id 000000000000001f is already used by /nodes/0'],
    ['a: { node: a, port: 3 }', 'a: { node: zz, port: 3 }', "/cables/0/a/node names node 'zz', which is not in /nodes"],
    [
      'b: { node: b }, capacityMbps: 1000',
      'b: { node: h1 }, capacityMbps: 1000',
      "/cables/0/b/node names 'h1', which is an endpoint",
    ],
    [
      'attachment: { node: c, port: 1 }',
      'attachment: { node: q, port: 1 }',
      "/endpoints/0/attachment/node names node 'q', which is not in /nodes",
    ],
    [
      'b: { node: c, port: 2 }',
      'b: { node: c, port: 1 }',
      "/endpoints/0/attachment/port port 1 of node 'c' is already used by /cables/1/b",
    ],
    [
      'b: { node: c, port: 2 }',
      'b: { node: c, port: 5 }',
      "/cables/1/b/port port 5 is not among the ports declared for node 'c'",
    ],
    ['b: { node: b }, capacityMbps: 1000', 'b: { node: a }, capacityMbps: 1000', "/cables/0 connects node 'a' to itself"],
    ['provider: p2 }', 'provider: p9 }', "/cables/1/provider names provider 'p9', which is not in /providers"],
    ['"2001:db8::/64"', '"10.0.0.1"', '/endpoints/0/addresses/1 10.0.0.1/32 is listed twice'],
    [
      '"2001:db8::/64"',
      '"10.0.0.300"',
      "/endpoints/0/addresses/1 '10.0.0.300' is not a valid IPv4 or IPv6 address or CIDR prefix",
    ],
    ['latencyMs: 4,', '', "/cables/1 has no latencyMs and node 'c' has no location to compute it from"],
    [
      '{ number: 2, name: uplink }',
      '{ number: 1, name: uplink }',
      "/nodes/2/ports/1/number port 1 is declared twice on node 'c'",
    ],
  ])('semantic check: %s -> %s', (find, replace, expected) => {
    const found = problems(variant(find, replace));
    expect(found.some((p) => p.startsWith('topology/x.yaml: ') && p.includes(expected))).toBe(true);
  });

  it('rejects a prefix owned by two endpoints', () => {
    const withEndpoint = VALID.replace(
      'cables:',
      '  - { id: h2, name: H2, addresses: ["2001:db8::/64"], attachment: { node: a, port: 9 } }\ncables:',
    );
    expect(problems(withEndpoint)).toContainEqual(
      'topology/x.yaml: /endpoints/1/addresses/0 Prefix 2001:db8::/64 is already owned by endpoint h1 (line 11)',
    );
  });

  it('reports YAML syntax errors with their line and every problem at once', () => {
    expect(problems('providers: [\nnodes: {')[0]).toMatch(/^topology\/x\.yaml: YAML syntax error: .*\(line \d+\)$/);
    expect(problems('{}')).toEqual([
      "topology/x.yaml: / is missing required property 'providers' (line 1)",
      "topology/x.yaml: / is missing required property 'nodes' (line 1)",
    ]);
    const many = problems(variant('capacityMbps: 10,', 'capacityMbps: -1,').replace('jurisdiction: FR', 'jurisdiction: fr'));
    expect(many).toHaveLength(2);
  });

  it('names a missing file', () => {
    expect(() => loadTopologyFile('topology/does-not-exist.yaml')).toThrow(
      'Topology file topology/does-not-exist.yaml is invalid: file does not exist',
    );
  });
});

describe('shipped topology files', () => {
  const eu = loadTopologyFile('topology/eu-continuum.yaml');
  const mini = loadTopologyFile('topology/mini.yaml');
  const kinds = (t: LoadedTopology, kind: string) => t.nodes.filter((n) => n.kind === kind);
  const providersOf = (t: LoadedTopology, kind: string) => t.providers.filter((p) => p.kind === kind).map((p) => p.id);
  const EU = new Set('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '));

  it('eu-continuum.yaml is what the committed generator produces', () => {
    expect(readFileSync('topology/eu-continuum.yaml', 'utf8')).toBe(renderEuContinuum());
  });

  it('eu-continuum.yaml has 3+ cloud providers with regions in 8+ EU cities', () => {
    const clouds = providersOf(eu, 'cloud');
    expect(clouds.length).toBeGreaterThanOrEqual(3);
    const regions = kinds(eu, 'cloud-region');
    for (const c of clouds) expect(regions.filter((r) => r.provider === c).length).toBeGreaterThanOrEqual(4);
    const euCities = new Set(regions.filter((r) => EU.has(r.jurisdiction)).map((r) => r.name.split(' ').pop()));
    expect(euCities.size).toBeGreaterThanOrEqual(8);
  });

  it('eu-continuum.yaml has 2+ telco operators with 12+ edge sites, and exchanges where providers meet', () => {
    const telcos = providersOf(eu, 'telco');
    expect(telcos.length).toBeGreaterThanOrEqual(2);
    const edges = kinds(eu, 'telco-edge');
    expect(edges.length).toBeGreaterThanOrEqual(12);
    for (const t of telcos) expect(edges.some((e) => e.provider === t)).toBe(true);
    const exchanges = kinds(eu, 'exchange');
    expect(exchanges.length).toBeGreaterThanOrEqual(3);
    for (const ix of exchanges) {
      const peers = new Set(eu.links.filter((l) => l.dst === ix.id).map((l) => eu.nodes.find((n) => n.id === l.src)!.provider));
      expect(peers.size, `${ix.id} connects several providers`).toBeGreaterThanOrEqual(2);
    }
  });

  it('eu-continuum.yaml gives every site a unique datapath id and explicit ports', () => {
    const sites = eu.nodes.filter((n) => n.kind !== 'endpoint');
    expect(sites.every((s) => /^[0-9a-f]{16}$/.test(s.datapathId ?? ''))).toBe(true);
    expect(new Set(sites.map((s) => s.datapathId)).size).toBe(sites.length);
    expect(eu.links.every((l) => l.srcPort !== undefined && l.dstPort !== undefined)).toBe(true);
  });

  it('eu-continuum.yaml latencies follow the fibre model and capacities the link classes', () => {
    const byId = new Map(eu.nodes.map((n) => [n.id, n]));
    for (const l of eu.links) {
      expect(l.latencyMs).toBe(fibreLatencyMs(byId.get(l.src)!.location!, byId.get(l.dst)!.location!));
      expect([1_000, 10_000, 100_000]).toContain(l.capacityMbps);
      expect(l.energyJPerGbit).toBeGreaterThan(0);
    }
    expect(new Set(eu.links.map((l) => l.cost)).size).toBeGreaterThan(10);
  });

  it('eu-continuum.yaml has shared-risk groups across providers and endpoints with IPv4 and IPv6', () => {
    const members = new Map<string, Set<string>>();
    for (const l of eu.links) for (const g of l.srlgs) members.set(g, (members.get(g) ?? new Set()).add(l.provider));
    const crossProvider = [...members.values()].filter((p) => p.size >= 2);
    expect(crossProvider.length).toBeGreaterThanOrEqual(3);
    expect([...members.get('duct-fra-par')!].sort()).toEqual(['aurora', 'meridian', 'nimbus']);
    const endpoints = kinds(eu, 'endpoint');
    expect(endpoints.length).toBeGreaterThanOrEqual(4);
    for (const e of endpoints) {
      expect(e.addresses!.some((a) => a.includes('.'))).toBe(true);
      expect(e.addresses!.some((a) => a.includes(':'))).toBe(true);
    }
  });

  it('mini.yaml is small, fully ported and has a short-slow and a long-fast route', () => {
    const switches = mini.nodes.filter((n) => n.kind !== 'endpoint');
    expect(switches.length).toBeLessThanOrEqual(8);
    expect(switches.map((s) => s.datapathId)).toEqual(switches.map((_, i) => (i + 1).toString(16).padStart(16, '0')));
    expect(mini.links.every((l) => l.srcPort !== undefined && l.dstPort !== undefined)).toBe(true);
    expect(mini.links.every((l) => l.capacityMbps <= 50 && l.latencyMs >= 1 && l.latencyMs <= 20)).toBe(true);
    for (const h of kinds(mini, 'endpoint')) expect(h.addresses![0]).toMatch(/^10\.0\.0\.\d+\/24$/);
    const lat = (id: string) => mini.links.find((l) => l.id === id)!.latencyMs;
    expect(lat('lyon-fra-direct.a')).toBe(20);
    expect(['lyon-par.a', 'par-str.a', 'str-fra.a'].map(lat)).toEqual([2, 2, 2]);
  });
});
