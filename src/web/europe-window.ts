/**
 * Longitude/latitude window the camera frames at start: Portugal to the Baltic states and Ukraine,
 * North Africa's coast to the North Cape. The outline shipped with the page is clipped to a wider
 * window (scripts/build-web.mjs), so the edges of the land never show.
 */
export const EUROPE_WINDOW = { west: -12, south: 34, east: 35, north: 71 } as const;
