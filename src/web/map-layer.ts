import type Sigma from 'sigma';
import { projectLonLat } from './geo-projection.js';

type Position = readonly [number, number];

interface OutlineCollection {
  readonly features: readonly {
    readonly properties: { readonly layer: string };
    readonly geometry:
      | { readonly type: 'MultiPolygon'; readonly coordinates: readonly (readonly (readonly Position[])[])[] }
      | { readonly type: 'MultiLineString'; readonly coordinates: readonly (readonly Position[])[] };
  }[];
}

/**
 * The outline of Europe as a 2D canvas under sigma's WebGL stage. The land and the borders are built
 * once as Path2D objects in projected graph coordinates; on each sigma render the canvas transform is
 * set to sigma's graph->viewport mapping (an affine map: pan, zoom and rotation), so the outline follows
 * the camera exactly without re-projecting a single point.
 */
export class MapLayer {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private land: Path2D | null = null;
  private borders: Path2D | null = null;

  constructor(private readonly sigma: Sigma) {
    this.canvas = sigma.createCanvas('europe', { beforeLayer: 'stage' });
    this.ctx = this.canvas.getContext('2d')!;
    sigma.on('afterRender', () => this.draw());
    sigma.on('resize', () => this.draw());
  }

  /** Load the outline (GeoJSON, lon/lat) and draw it. */
  setOutline(outline: OutlineCollection): void {
    const land = new Path2D();
    const borders = new Path2D();
    for (const f of outline.features) {
      const g = f.geometry;
      if (g.type === 'MultiPolygon') {
        for (const polygon of g.coordinates) for (const ring of polygon) addLine(land, ring, true);
      } else {
        for (const line of g.coordinates) addLine(borders, line, false);
      }
    }
    this.land = land;
    this.borders = borders;
    this.draw();
  }

  get loaded(): boolean {
    return this.land !== null;
  }

  private draw(): void {
    const { width, height } = this.sigma.getDimensions();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.land || !this.borders) return;
    // Three points fix the affine map graph -> viewport.
    const o = this.sigma.graphToViewport({ x: 0, y: 0 });
    const ex = this.sigma.graphToViewport({ x: 1, y: 0 });
    const ey = this.sigma.graphToViewport({ x: 0, y: 1 });
    const a = ex.x - o.x;
    const b = ex.y - o.y;
    const c = ey.x - o.x;
    const d = ey.y - o.y;
    const scale = Math.sqrt(Math.abs(a * d - b * c));
    if (!Number.isFinite(scale) || scale === 0) return;
    ctx.setTransform(a * dpr, b * dpr, c * dpr, d * dpr, o.x * dpr, o.y * dpr);
    ctx.fillStyle = '#f4f2ea';
    ctx.fill(this.land, 'evenodd');
    ctx.strokeStyle = '#b9b6aa';
    // One CSS pixel whatever the zoom.
    ctx.lineWidth = 0.8 / scale;
    ctx.stroke(this.borders);
  }
}

function addLine(path: Path2D, points: readonly Position[], close: boolean): void {
  points.forEach(([lon, lat], i) => {
    const p = projectLonLat(lon, lat);
    if (i === 0) path.moveTo(p.x, p.y);
    else path.lineTo(p.x, p.y);
  });
  if (close) path.closePath();
}
