/**
 * Spherical Mercator in degrees: x is the longitude, y the Mercator ordinate scaled to degrees at the
 * equator. Node positions and the Europe outline share this space, so the outline can be drawn with the
 * same graph->viewport transform sigma uses for nodes.
 *
 * Sigma's graph space has y pointing up (like latitude), so no flip is needed.
 */

const DEG = Math.PI / 180;
/** Web Mercator's cut-off latitude (where y equals the x extent); beyond it y grows without bound. */
export const MAX_MERCATOR_LAT = 85.05112878;

export interface ProjectedPoint {
  readonly x: number;
  readonly y: number;
}

export function projectLonLat(lon: number, lat: number): ProjectedPoint {
  const clamped = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat));
  return { x: lon, y: Math.log(Math.tan(Math.PI / 4 + (clamped * DEG) / 2)) / DEG };
}

export function unprojectXY(x: number, y: number): { lon: number; lat: number } {
  return { lon: x, lat: (2 * Math.atan(Math.exp(y * DEG)) - Math.PI / 2) / DEG };
}
