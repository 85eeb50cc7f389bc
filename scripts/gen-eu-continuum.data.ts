/**
 * The European continuum as plain tables: cities, providers, sites, cables, shared ducts and endpoints.
 * Provider and exchange names are fictional. Coordinates are the cities' centres; sites of different
 * operators in one city get small fixed offsets (data centres sit in different districts).
 */
import type { ProviderDoc } from '../src/topology/topology-schema.js';

export const CITIES: Record<string, { name: string; country: string; lat: number; lon: number }> = {
  fra: { name: 'Frankfurt', country: 'DE', lat: 50.1109, lon: 8.6821 },
  par: { name: 'Paris', country: 'FR', lat: 48.8566, lon: 2.3522 },
  ams: { name: 'Amsterdam', country: 'NL', lat: 52.3676, lon: 4.9041 },
  dub: { name: 'Dublin', country: 'IE', lat: 53.3498, lon: -6.2603 },
  sto: { name: 'Stockholm', country: 'SE', lat: 59.3293, lon: 18.0686 },
  mil: { name: 'Milan', country: 'IT', lat: 45.4642, lon: 9.19 },
  mad: { name: 'Madrid', country: 'ES', lat: 40.4168, lon: -3.7038 },
  waw: { name: 'Warsaw', country: 'PL', lat: 52.2297, lon: 21.0122 },
  vie: { name: 'Vienna', country: 'AT', lat: 48.2082, lon: 16.3738 },
  zrh: { name: 'Zurich', country: 'CH', lat: 47.3769, lon: 8.5417 },
  lon: { name: 'London', country: 'GB', lat: 51.5074, lon: -0.1278 },
  bru: { name: 'Brussels', country: 'BE', lat: 50.8503, lon: 4.3517 },
  cph: { name: 'Copenhagen', country: 'DK', lat: 55.6761, lon: 12.5683 },
  lis: { name: 'Lisbon', country: 'PT', lat: 38.7223, lon: -9.1393 },
  hel: { name: 'Helsinki', country: 'FI', lat: 60.1699, lon: 24.9384 },
  mrs: { name: 'Marseille', country: 'FR', lat: 43.2965, lon: 5.3698 },
  lyo: { name: 'Lyon', country: 'FR', lat: 45.764, lon: 4.8357 },
  tls: { name: 'Toulouse', country: 'FR', lat: 43.6047, lon: 1.4442 },
  bod: { name: 'Bordeaux', country: 'FR', lat: 44.8378, lon: -0.5792 },
  lil: { name: 'Lille', country: 'FR', lat: 50.6292, lon: 3.0573 },
  bcn: { name: 'Barcelona', country: 'ES', lat: 41.3874, lon: 2.1686 },
  vlc: { name: 'Valencia', country: 'ES', lat: 39.4699, lon: -0.3763 },
  bio: { name: 'Bilbao', country: 'ES', lat: 43.263, lon: -2.935 },
  opo: { name: 'Porto', country: 'PT', lat: 41.1579, lon: -8.6291 },
  muc: { name: 'Munich', country: 'DE', lat: 48.1351, lon: 11.582 },
  ham: { name: 'Hamburg', country: 'DE', lat: 53.5511, lon: 9.9937 },
  ber: { name: 'Berlin', country: 'DE', lat: 52.52, lon: 13.405 },
  str: { name: 'Stuttgart', country: 'DE', lat: 48.7758, lon: 9.1829 },
  cgn: { name: 'Cologne', country: 'DE', lat: 50.9375, lon: 6.9603 },
  prg: { name: 'Prague', country: 'CZ', lat: 50.0755, lon: 14.4378 },
  krk: { name: 'Krakow', country: 'PL', lat: 50.0647, lon: 19.945 },
  grz: { name: 'Graz', country: 'AT', lat: 47.0707, lon: 15.4395 },
  got: { name: 'Gothenburg', country: 'SE', lat: 57.7089, lon: 11.9746 },
  mmo: { name: 'Malmo', country: 'SE', lat: 55.605, lon: 13.0038 },
  osl: { name: 'Oslo', country: 'NO', lat: 59.9139, lon: 10.7522 },
  aar: { name: 'Aarhus', country: 'DK', lat: 56.1629, lon: 10.2039 },
  tmp: { name: 'Tampere', country: 'FI', lat: 61.4978, lon: 23.761 },
};

export const PROVIDERS: readonly ProviderDoc[] = [
  { id: 'aurora', name: 'Aurora Cloud', kind: 'cloud', costPerMbps: 1.0 },
  { id: 'nimbus', name: 'Nimbus Works', kind: 'cloud', costPerMbps: 1.1 },
  { id: 'stratus', name: 'Stratus Grid', kind: 'cloud', costPerMbps: 0.9 },
  { id: 'telvia', name: 'Telvia West', kind: 'telco', costPerMbps: 1.8 },
  { id: 'centra', name: 'Centra Telekom', kind: 'telco', costPerMbps: 1.6 },
  { id: 'nordlink', name: 'Nordlink Mobile', kind: 'telco', costPerMbps: 1.7 },
  { id: 'meridian', name: 'Meridian Transit', kind: 'transit', costPerMbps: 0.5 },
  { id: 'borealis', name: 'Borealis Carrier', kind: 'transit', costPerMbps: 0.6 },
  { id: 'main-ix', name: 'Main-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'amstel-ix', name: 'Amstel-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'seine-ix', name: 'Seine-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'danube-ix', name: 'Danube-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'vistula-ix', name: 'Vistula-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'padana-ix', name: 'Padana-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'oresund-ix', name: 'Oresund-IX', kind: 'exchange', costPerMbps: 0.1 },
  { id: 'iberia-ix', name: 'Iberia-IX', kind: 'exchange', costPerMbps: 0.1 },
];

/** Site id prefix per provider; a site id is `<prefix>-<city>`. */
export const SITE_PREFIX: Record<string, string> = {
  aurora: 'aur',
  nimbus: 'nim',
  stratus: 'sg',
  telvia: 'tv',
  centra: 'ct',
  nordlink: 'nl',
};

export const CLOUD_REGIONS: Record<string, readonly string[]> = {
  aurora: ['fra', 'par', 'ams', 'dub', 'sto', 'mil', 'mad'],
  nimbus: ['fra', 'par', 'ams', 'waw', 'vie', 'zrh'],
  stratus: ['fra', 'lon', 'bru', 'cph', 'lis', 'hel', 'mrs'],
};

export const TELCO_EDGES: Record<string, readonly string[]> = {
  telvia: ['par', 'mad', 'lil', 'bru', 'lyo', 'mrs', 'tls', 'bod', 'bcn', 'vlc', 'bio', 'opo', 'lis'],
  centra: ['fra', 'vie', 'ham', 'ber', 'cgn', 'str', 'muc', 'prg', 'krk', 'grz', 'waw'],
  nordlink: ['cph', 'mmo', 'got', 'osl', 'sto', 'hel', 'tmp', 'aar'],
};

/** Exchange provider -> city. */
export const EXCHANGES: Record<string, string> = {
  'main-ix': 'fra',
  'amstel-ix': 'ams',
  'seine-ix': 'par',
  'danube-ix': 'vie',
  'vistula-ix': 'waw',
  'padana-ix': 'mil',
  'oresund-ix': 'cph',
  'iberia-ix': 'mad',
};

/** Link classes: capacity and the per-hop share of the energy model (J/Gbit). */
export const LINK_CLASSES = {
  backbone: { capacityMbps: 100_000, energyPerHop: 1.5 },
  metro: { capacityMbps: 10_000, energyPerHop: 2 },
  access10: { capacityMbps: 10_000, energyPerHop: 4 },
  access1: { capacityMbps: 1_000, energyPerHop: 4 },
} as const;
export type LinkClass = keyof typeof LINK_CLASSES;

/** [provider, class, siteA, siteB, shared ducts]; a site is `<prefix>-<city>` or an exchange id. */
export type CableRow = readonly [string, LinkClass, string, string, (readonly string[])?];

export const CABLES: readonly CableRow[] = [
  // Cloud backbones.
  ['aurora', 'backbone', 'aur-dub', 'aur-ams'],
  ['aurora', 'backbone', 'aur-ams', 'aur-fra', ['duct-ams-fra']],
  ['aurora', 'backbone', 'aur-fra', 'aur-par', ['duct-fra-par']],
  ['aurora', 'backbone', 'aur-par', 'aur-dub', ['channel-tunnel']],
  ['aurora', 'backbone', 'aur-fra', 'aur-mil', ['duct-gotthard']],
  ['aurora', 'backbone', 'aur-mil', 'aur-mad'],
  ['aurora', 'backbone', 'aur-mad', 'aur-par', ['duct-par-mad']],
  ['aurora', 'backbone', 'aur-ams', 'aur-sto', ['oresund-bridge']],
  ['aurora', 'backbone', 'aur-sto', 'aur-fra', ['oresund-bridge']],
  ['nimbus', 'backbone', 'nim-ams', 'nim-fra', ['duct-ams-fra']],
  ['nimbus', 'backbone', 'nim-fra', 'nim-par', ['duct-fra-par']],
  ['nimbus', 'backbone', 'nim-par', 'nim-ams'],
  ['nimbus', 'backbone', 'nim-fra', 'nim-zrh'],
  ['nimbus', 'backbone', 'nim-zrh', 'nim-vie'],
  ['nimbus', 'backbone', 'nim-vie', 'nim-waw', ['duct-vie-waw']],
  ['nimbus', 'backbone', 'nim-waw', 'nim-fra'],
  ['stratus', 'backbone', 'sg-lon', 'sg-bru', ['channel-tunnel']],
  ['stratus', 'backbone', 'sg-bru', 'sg-fra'],
  ['stratus', 'backbone', 'sg-fra', 'sg-cph'],
  ['stratus', 'backbone', 'sg-cph', 'sg-hel', ['baltic-cable']],
  ['stratus', 'backbone', 'sg-fra', 'sg-mrs', ['duct-rhone']],
  ['stratus', 'backbone', 'sg-mrs', 'sg-lis'],
  ['stratus', 'backbone', 'sg-lis', 'sg-lon'],
  // Cloud regions at the exchanges of their cities.
  ['aurora', 'metro', 'aur-fra', 'main-ix'],
  ['aurora', 'metro', 'aur-par', 'seine-ix'],
  ['aurora', 'metro', 'aur-ams', 'amstel-ix'],
  ['aurora', 'metro', 'aur-mil', 'padana-ix'],
  ['aurora', 'metro', 'aur-mad', 'iberia-ix'],
  ['nimbus', 'metro', 'nim-fra', 'main-ix'],
  ['nimbus', 'metro', 'nim-par', 'seine-ix'],
  ['nimbus', 'metro', 'nim-ams', 'amstel-ix'],
  ['nimbus', 'metro', 'nim-vie', 'danube-ix'],
  ['nimbus', 'metro', 'nim-waw', 'vistula-ix'],
  ['stratus', 'metro', 'sg-fra', 'main-ix'],
  ['stratus', 'metro', 'sg-cph', 'oresund-ix'],
  // Private interconnects between a cloud region and a telco in the same city.
  ['aurora', 'metro', 'aur-sto', 'nl-sto'],
  ['stratus', 'metro', 'sg-hel', 'nl-hel'],
  ['stratus', 'metro', 'sg-lis', 'tv-lis'],
  ['stratus', 'metro', 'sg-bru', 'tv-bru'],
  // Telco hubs at the exchanges.
  ['telvia', 'metro', 'tv-par', 'seine-ix'],
  ['telvia', 'metro', 'tv-mad', 'iberia-ix'],
  ['centra', 'metro', 'ct-fra', 'main-ix'],
  ['centra', 'metro', 'ct-vie', 'danube-ix'],
  ['centra', 'metro', 'ct-waw', 'vistula-ix'],
  ['nordlink', 'metro', 'nl-cph', 'oresund-ix'],
  // Telvia West: a backbone ring through its large sites, access spurs to the rest.
  ['telvia', 'backbone', 'tv-par', 'tv-lyo'],
  ['telvia', 'backbone', 'tv-lyo', 'tv-mrs', ['duct-rhone']],
  ['telvia', 'backbone', 'tv-mrs', 'tv-bcn'],
  ['telvia', 'backbone', 'tv-bcn', 'tv-mad'],
  ['telvia', 'backbone', 'tv-par', 'tv-bod'],
  ['telvia', 'backbone', 'tv-bod', 'tv-mad', ['duct-par-mad']],
  ['telvia', 'access10', 'tv-par', 'tv-lil'],
  ['telvia', 'access10', 'tv-lil', 'tv-bru'],
  ['telvia', 'access10', 'tv-bod', 'tv-tls'],
  ['telvia', 'access1', 'tv-tls', 'tv-bcn'],
  ['telvia', 'access10', 'tv-mad', 'tv-vlc'],
  ['telvia', 'access1', 'tv-vlc', 'tv-bcn'],
  ['telvia', 'access10', 'tv-bod', 'tv-bio'],
  ['telvia', 'access1', 'tv-bio', 'tv-mad'],
  ['telvia', 'access10', 'tv-mad', 'tv-lis'],
  ['telvia', 'access10', 'tv-lis', 'tv-opo'],
  ['telvia', 'access1', 'tv-opo', 'tv-bio'],
  // Centra Telekom.
  ['centra', 'backbone', 'ct-fra', 'ct-cgn'],
  ['centra', 'backbone', 'ct-cgn', 'ct-ham'],
  ['centra', 'backbone', 'ct-ham', 'ct-ber'],
  ['centra', 'backbone', 'ct-ber', 'ct-prg'],
  ['centra', 'backbone', 'ct-prg', 'ct-vie'],
  ['centra', 'backbone', 'ct-vie', 'ct-muc'],
  ['centra', 'backbone', 'ct-muc', 'ct-str'],
  ['centra', 'backbone', 'ct-str', 'ct-fra'],
  ['centra', 'access10', 'ct-vie', 'ct-grz'],
  ['centra', 'access1', 'ct-grz', 'ct-muc'],
  ['centra', 'access10', 'ct-prg', 'ct-krk'],
  ['centra', 'access10', 'ct-ber', 'ct-waw'],
  ['centra', 'access1', 'ct-waw', 'ct-krk'],
  // Nordlink Mobile.
  ['nordlink', 'backbone', 'nl-cph', 'nl-mmo', ['oresund-bridge']],
  ['nordlink', 'backbone', 'nl-mmo', 'nl-got'],
  ['nordlink', 'backbone', 'nl-got', 'nl-osl'],
  ['nordlink', 'backbone', 'nl-got', 'nl-sto'],
  ['nordlink', 'backbone', 'nl-sto', 'nl-hel', ['baltic-cable']],
  ['nordlink', 'access10', 'nl-cph', 'nl-aar'],
  ['nordlink', 'access10', 'nl-hel', 'nl-tmp'],
  ['nordlink', 'access1', 'nl-osl', 'nl-sto'],
  // Long-haul transit between exchanges.
  ['meridian', 'backbone', 'main-ix', 'seine-ix', ['duct-fra-par']],
  ['meridian', 'backbone', 'main-ix', 'amstel-ix', ['duct-ams-fra']],
  ['meridian', 'backbone', 'seine-ix', 'iberia-ix', ['duct-par-mad']],
  ['meridian', 'backbone', 'main-ix', 'padana-ix', ['duct-gotthard']],
  ['meridian', 'backbone', 'main-ix', 'danube-ix'],
  ['meridian', 'backbone', 'danube-ix', 'vistula-ix', ['duct-vie-waw']],
  ['meridian', 'backbone', 'amstel-ix', 'oresund-ix'],
  ['borealis', 'backbone', 'amstel-ix', 'seine-ix'],
  ['borealis', 'backbone', 'main-ix', 'vistula-ix'],
  ['borealis', 'backbone', 'main-ix', 'oresund-ix'],
  ['borealis', 'backbone', 'padana-ix', 'seine-ix'],
  ['borealis', 'backbone', 'iberia-ix', 'padana-ix'],
];

/** [id, name, attachment site, IPv4 prefix, IPv6 prefix]. */
export const ENDPOINTS: readonly (readonly [string, string, string, string, string])[] = [
  ['factory-lyon', 'Lyon robotics factory', 'tv-lyo', '10.10.1.0/24', '2001:db8:10:1::/64'],
  ['stadium-barcelona', 'Barcelona stadium AR venue', 'tv-bcn', '10.10.2.0/24', '2001:db8:10:2::/64'],
  ['hospital-munich', 'Munich university hospital', 'ct-muc', '10.20.1.0/24', '2001:db8:20:1::/64'],
  ['port-hamburg', 'Hamburg container terminal', 'ct-ham', '10.20.2.0/24', '2001:db8:20:2::/64'],
  ['grid-tampere', 'Tampere smart-grid control', 'nl-tmp', '10.30.1.0/24', '2001:db8:30:1::/64'],
  ['datalake-frankfurt', 'Aurora Frankfurt data lake', 'aur-fra', '172.16.1.0/24', '2001:db8:a1::/48'],
  ['training-amsterdam', 'Nimbus Amsterdam GPU cluster', 'nim-ams', '172.16.2.0/24', '2001:db8:b2::/48'],
  ['archive-lisbon', 'Stratus Lisbon archive', 'sg-lis', '172.16.3.0/24', '2001:db8:c3::/48'],
];
