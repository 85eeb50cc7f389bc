import type { GeoPoint } from '../model/topology.js';

/**
 * Physical defaults for links declared without measured figures. Light in silica fibre travels at about
 * c / 1.468, i.e. roughly 5 microseconds per kilometre; real cables follow roads, rail and sea beds, so
 * the cable is longer than the great circle by a route factor (1.4 is a common planning figure for
 * terrestrial European routes).
 */
export const FIBRE_MS_PER_KM = 0.005;
export const ROUTE_FACTOR = 1.4;
/** Equipment latency floor: even two racks in one building add serialisation and switching delay. */
export const MIN_LINK_LATENCY_MS = 0.01;

/**
 * Energy to carry one gigabit across a link: a per-hop share for the switching/transceiver ends plus
 * optical line amplification that grows with length. Rough planning figures, used only when a topology
 * file gives no value of its own.
 */
export const ENERGY_J_PER_GBIT_PER_HOP = 2;
export const ENERGY_J_PER_GBIT_PER_KM = 0.004;

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance by the haversine formula (numerically stable for short distances). */
export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** One-way latency over fibre between two points, rounded to microseconds. */
export function fibreLatencyMs(a: GeoPoint, b: GeoPoint): number {
  const ms = greatCircleKm(a, b) * ROUTE_FACTOR * FIBRE_MS_PER_KM;
  return roundTo(Math.max(MIN_LINK_LATENCY_MS, ms), 3);
}

/** Default energy per gigabit for a link of the given great-circle length. */
export function defaultEnergyJPerGbit(km: number): number {
  return roundTo(ENERGY_J_PER_GBIT_PER_HOP + km * ROUTE_FACTOR * ENERGY_J_PER_GBIT_PER_KM, 3);
}

export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
