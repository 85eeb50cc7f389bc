/**
 * Generates topology/eu-continuum.yaml from the tables in gen-eu-continuum.data.ts.
 *
 *   npx tsx scripts/gen-eu-continuum.ts            # rewrite the file
 *   npx tsx scripts/gen-eu-continuum.ts --check    # exit 1 when the committed file is stale
 *
 * Latencies follow the fibre model of src/topology/fibre-model.ts (great-circle distance x route factor
 * 1.4 x 5 us/km); capacities follow the link class (backbone 100G, metro 10G, access 1-10G); cost is the
 * provider's price per Mbit/s growing with distance; energy is a per-hop share by class plus a per-km
 * share. Ports are numbered per site in the order cables and endpoints are listed. The output is checked
 * by the topology loader before it is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENERGY_J_PER_GBIT_PER_KM, fibreLatencyMs, greatCircleKm, ROUTE_FACTOR, roundTo } from '../src/topology/fibre-model.js';
import { parseTopology } from '../src/topology/topology-loader.js';
import {
  CABLES,
  CITIES,
  CLOUD_REGIONS,
  ENDPOINTS,
  EXCHANGES,
  LINK_CLASSES,
  PROVIDERS,
  SITE_PREFIX,
  TELCO_EDGES,
} from './gen-eu-continuum.data.js';

interface Site {
  id: string;
  kind: 'cloud-region' | 'telco-edge' | 'exchange';
  name: string;
  provider: string;
  jurisdiction: string;
  lat: number;
  lon: number;
  datapathId: string;
}

/** Fixed offsets (degrees) so that sites of different operators in one city do not sit on one point. */
const OFFSETS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.021, -0.034],
  [-0.027, 0.018],
  [0.014, 0.041],
  [-0.018, -0.029],
  [0.033, 0.012],
  [-0.036, -0.008],
];

function buildSites(): Site[] {
  const sites: Site[] = [];
  const perCity = new Map<string, number>();
  const providerIndex = new Map(PROVIDERS.map((p, i) => [p.id, i + 1]));
  const add = (kind: Site['kind'], provider: string, city: string, id: string, name: string, siteNo: number) => {
    const c = CITIES[city];
    if (!c) throw new Error(`unknown city ${city}`);
    const n = perCity.get(city) ?? 0;
    perCity.set(city, n + 1);
    const [dLat, dLon] = OFFSETS[n % OFFSETS.length];
    // Datapath id: provider number in the upper byte of the low 16 bits, site number in the lower.
    const dpid = ((providerIndex.get(provider) ?? 0) * 0x100 + siteNo).toString(16).padStart(16, '0');
    sites.push({
      id,
      kind,
      name,
      provider,
      jurisdiction: c.country,
      lat: roundTo(c.lat + dLat, 4),
      lon: roundTo(c.lon + dLon, 4),
      datapathId: dpid,
    });
  };
  const providerName = (id: string) => PROVIDERS.find((p) => p.id === id)?.name ?? id;
  for (const [ix, city] of Object.entries(EXCHANGES))
    add('exchange', ix, city, ix, `${providerName(ix)} ${CITIES[city].name}`, 1);
  const sitesOf = (kind: Site['kind'], table: Record<string, readonly string[]>, suffix: string) => {
    for (const [provider, cities] of Object.entries(table)) {
      for (const [i, city] of cities.entries()) {
        const name = `${providerName(provider)} ${CITIES[city].name}${suffix}`;
        add(kind, provider, city, `${SITE_PREFIX[provider]}-${city}`, name, i + 1);
      }
    }
  };
  sitesOf('cloud-region', CLOUD_REGIONS, '');
  sitesOf('telco-edge', TELCO_EDGES, ' edge');
  return sites;
}

/** A YAML flow mapping on one line; strings stay plain where YAML reads them back as the same string. */
function flow(o: Record<string, unknown>): string {
  const parts = Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${scalar(v)}`);
  return `{ ${parts.join(', ')} }`;
}

function scalar(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return flow(v as Record<string, unknown>);
  if (typeof v === 'string') {
    const plain = /^[A-Za-z][A-Za-z0-9 ._-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(v);
    return plain ? v : JSON.stringify(v);
  }
  return String(v);
}

export function renderEuContinuum(): string {
  const sites = buildSites();
  const byId = new Map(sites.map((s) => [s.id, s]));
  const nextPort = new Map<string, number>();
  const port = (site: string) => {
    const n = (nextPort.get(site) ?? 0) + 1;
    nextPort.set(site, n);
    return n;
  };
  const cost = new Map(PROVIDERS.map((p) => [p.id, p.costPerMbps ?? 1]));

  const cableLines: string[] = [];
  const seen = new Set<string>();
  for (const [provider, cls, a, b, srlgs] of CABLES) {
    const sa = byId.get(a);
    const sb = byId.get(b);
    if (!sa || !sb) throw new Error(`cable ${a} - ${b}: unknown site`);
    let id = `${a}--${b}`;
    for (let n = 2; seen.has(id); n++) id = `${a}--${b}-${n}`;
    seen.add(id);
    const km = greatCircleKm(sa, sb);
    const klass = LINK_CLASSES[cls];
    cableLines.push(
      `  # ${provider} ${cls}, ${Math.round(km)} km`,
      `  - ${flow({
        id,
        a: { node: a, port: port(a) },
        b: { node: b, port: port(b) },
        capacityMbps: klass.capacityMbps,
        latencyMs: fibreLatencyMs(sa, sb),
        cost: roundTo((cost.get(provider) ?? 1) * (1 + km / 1000), 3),
        energyJPerGbit: roundTo(klass.energyPerHop + km * ROUTE_FACTOR * ENERGY_J_PER_GBIT_PER_KM, 3),
        srlgs: srlgs && srlgs.length > 0 ? [...srlgs] : undefined,
        provider,
      })}`,
    );
  }

  const endpointLines = ENDPOINTS.map(([id, name, site, v4, v6]) => {
    if (!byId.has(site)) throw new Error(`endpoint ${id}: unknown site ${site}`);
    return `  - ${flow({ id, name, addresses: [v4, v6], attachment: { node: site, port: port(site) } })}`;
  });

  const nodeLines = sites.map(
    (s) =>
      `  - ${flow({
        id: s.id,
        kind: s.kind,
        name: s.name,
        provider: s.provider,
        jurisdiction: s.jurisdiction,
        location: { lat: s.lat, lon: s.lon },
        datapathId: s.datapathId,
      })}`,
  );

  return [
    '# The European cloud-edge continuum: three cloud providers, three telco operators, eight exchanges and',
    '# two transit carriers (all names fictional). Generated by scripts/gen-eu-continuum.ts from',
    '# scripts/gen-eu-continuum.data.ts; edit those and run `npx tsx scripts/gen-eu-continuum.ts`.',
    'name: eu-continuum',
    'description: Cloud regions, telco edge sites and exchanges across Europe with fibre latencies and shared ducts.',
    '',
    'providers:',
    ...PROVIDERS.map((p) => `  - ${flow({ ...p })}`),
    '',
    'nodes:',
    ...nodeLines,
    '',
    'endpoints:',
    ...endpointLines,
    '',
    'cables:',
    ...cableLines,
    '',
  ].join('\n');
}

const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'topology', 'eu-continuum.yaml');

function main(argv: readonly string[]): number {
  const text = renderEuContinuum();
  const loaded = parseTopology(text, 'topology/eu-continuum.yaml');
  if (argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      process.stderr.write('topology/eu-continuum.yaml is stale: run npx tsx scripts/gen-eu-continuum.ts\n');
      return 1;
    }
    return 0;
  }
  writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote topology/eu-continuum.yaml: ${loaded.nodes.length} nodes, ${loaded.links.length / 2} cables\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
