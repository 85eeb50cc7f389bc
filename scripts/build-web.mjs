#!/usr/bin/env node
// Builds the web view into dist/web: the esbuild bundle of src/web/main.ts, the page and its stylesheet,
// and the outline of Europe prepared from the world-atlas package. Everything the page loads is in that
// directory: no CDN and no network at run time.
//
// Usage: node scripts/build-web.mjs [--outdir DIR] [--dev]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Window the outline is clipped to: wider than the map's initial framing (src/web/europe-window.ts) so
 * that panning or a wide screen does not show where the land was cut.
 */
export const EUROPE_BBOX = Object.freeze({ west: -50, south: 20, east: 75, north: 78 });
/** 0.01 degree is about 1 km: finer than a screen pixel at country zoom, and it keeps the file small. */
const PRECISION = 100;

async function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--outdir');
  const outdir = resolve(root, outIndex >= 0 ? args[outIndex + 1] : 'dist/web');
  const dev = args.includes('--dev');
  await mkdir(outdir, { recursive: true });

  const started = Date.now();
  await esbuild.build({
    entryPoints: [join(root, 'src/web/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: !dev,
    sourcemap: true,
    outfile: join(outdir, 'app.js'),
    tsconfig: join(root, 'tsconfig.web.json'),
    logLevel: 'warning',
    legalComments: 'linked',
  });
  await copyFile(join(root, 'src/web/index.html'), join(outdir, 'index.html'));
  await copyFile(join(root, 'src/web/styles.css'), join(outdir, 'styles.css'));
  const outline = await europeOutline();
  await writeFile(join(outdir, 'europe.geo.json'), JSON.stringify(outline));
  console.log(`web view built into ${outdir} in ${Date.now() - started} ms`);
}

/**
 * Land polygons and the mesh of coastlines and borders from world-atlas' 1:50m countries, converted from
 * TopoJSON with topojson-client and clipped to EUROPE_BBOX. Borders are clipped as lines (not polygon
 * rings) so no artificial edge appears along the window's boundary when they are stroked.
 */
export async function europeOutline() {
  const topojson = require('topojson-client');
  const topo = JSON.parse(await readFile(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
  const land = topojson.feature(topo, topo.objects.land);
  const polygons = [];
  for (const f of land.type === 'FeatureCollection' ? land.features : [land]) {
    for (const poly of polygonsOf(f.geometry)) {
      const [outer, ...holes] = poly.map((ring) => roundRing(clipRing(unwrapAntimeridian(ring), EUROPE_BBOX)));
      // A polygon whose outer ring lies outside the window has its holes outside too.
      if (outer.length >= 4) polygons.push([outer, ...holes.filter((r) => r.length >= 4)]);
    }
  }
  const mesh = topojson.mesh(topo, topo.objects.countries);
  const lines = [];
  for (const line of mesh.coordinates) {
    for (const piece of clipLine(unwrapAntimeridian(line), EUROPE_BBOX)) {
      const rounded = roundLine(piece);
      if (rounded.length >= 2) lines.push(rounded);
    }
  }
  return {
    type: 'FeatureCollection',
    bbox: [EUROPE_BBOX.west, EUROPE_BBOX.south, EUROPE_BBOX.east, EUROPE_BBOX.north],
    features: [
      { type: 'Feature', properties: { layer: 'land' }, geometry: { type: 'MultiPolygon', coordinates: polygons } },
      { type: 'Feature', properties: { layer: 'borders' }, geometry: { type: 'MultiLineString', coordinates: lines } },
    ],
  };
}

/**
 * TopoJSON keeps rings that cross the antimeridian (Chukotka, Wrangel Island) as one ring whose longitude
 * jumps by 360 degrees. Drawn on a plane, such a jump is a line across the whole world that cuts bands
 * out of Europe's land. Shifting the points after a jump by 360 degrees makes the ring continuous; it
 * then lies east of 180 and the clip drops that part.
 */
export function unwrapAntimeridian(points) {
  let shift = 0;
  return points.map((p, i) => {
    if (i > 0) {
      const d = p[0] - points[i - 1][0];
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    return shift === 0 ? p : [p[0] + shift, p[1]];
  });
}

function polygonsOf(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/** Sutherland-Hodgman against the four sides of the box; returns a closed ring (or nothing). */
export function clipRing(ring, box) {
  const sides = [
    { inside: (p) => p[0] >= box.west, cut: (a, b) => atX(a, b, box.west) },
    { inside: (p) => p[0] <= box.east, cut: (a, b) => atX(a, b, box.east) },
    { inside: (p) => p[1] >= box.south, cut: (a, b) => atY(a, b, box.south) },
    { inside: (p) => p[1] <= box.north, cut: (a, b) => atY(a, b, box.north) },
  ];
  let out = ring.slice(0, ring.length > 1 && samePoint(ring[0], ring[ring.length - 1]) ? -1 : undefined);
  for (const side of sides) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      if (side.inside(cur)) {
        if (!side.inside(prev)) out.push(side.cut(prev, cur));
        out.push(cur);
      } else if (side.inside(prev)) {
        out.push(side.cut(prev, cur));
      }
    }
    if (out.length === 0) return [];
  }
  return [...out, out[0]];
}

/** Liang-Barsky per segment; consecutive visible pieces are joined into one polyline. */
export function clipLine(line, box) {
  const pieces = [];
  let current = null;
  for (let i = 1; i < line.length; i++) {
    const seg = clipSegment(line[i - 1], line[i], box);
    if (!seg) {
      current = null;
      continue;
    }
    const [a, b] = seg;
    if (current && samePoint(current[current.length - 1], a)) current.push(b);
    else {
      current = [a, b];
      pieces.push(current);
    }
    // The segment left the box: the next visible piece starts a new line.
    if (!samePoint(b, line[i])) current = null;
  }
  return pieces;
}

function clipSegment(a, b, box) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const checks = [
    [-dx, a[0] - box.west],
    [dx, box.east - a[0]],
    [-dy, a[1] - box.south],
    [dy, box.north - a[1]],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  const at = (t) => (t === 0 ? a : t === 1 ? b : [a[0] + t * dx, a[1] + t * dy]);
  return [at(t0), at(t1)];
}

function atX(a, b, x) {
  return [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
}

function atY(a, b, y) {
  return [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
}

function samePoint(a, b) {
  return a[0] === b[0] && a[1] === b[1];
}

function roundLine(line) {
  const out = [];
  for (const p of line) {
    const q = [Math.round(p[0] * PRECISION) / PRECISION, Math.round(p[1] * PRECISION) / PRECISION];
    if (out.length === 0 || !samePoint(out[out.length - 1], q)) out.push(q);
  }
  return out;
}

function roundRing(ring) {
  const out = roundLine(ring);
  if (out.length > 0 && !samePoint(out[0], out[out.length - 1])) out.push(out[0]);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
