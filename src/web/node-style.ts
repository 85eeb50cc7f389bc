import type { NodeKind, TopoNode } from '../model/topology.js';

/** Shape and size per node kind: sites are large, forwarding gear and hosts small. */
export const KIND_STYLE: Readonly<
  Record<NodeKind, { readonly shape: NodeShape; readonly size: number; readonly label: string }>
> = {
  'cloud-region': { shape: 'square', size: 10, label: 'Cloud region' },
  'telco-edge': { shape: 'triangle', size: 10, label: 'Telco edge' },
  exchange: { shape: 'diamond', size: 10, label: 'Exchange' },
  switch: { shape: 'circle', size: 6, label: 'Switch' },
  endpoint: { shape: 'circle', size: 4.5, label: 'Endpoint' },
};

export type NodeShape = 'circle' | 'square' | 'triangle' | 'diamond';

/**
 * Categorical colours that stay apart for colour-blind readers (Okabe-Ito, then Tableau). Providers get
 * them in alphabetical order so the same topology always gets the same colours.
 */
const PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#7f6b00',
  '#4e79a7',
  '#b07aa1',
  '#9c755f',
  '#76b7b2',
  '#ff9da7',
];

export class ProviderPalette {
  private readonly colors = new Map<string, string>();

  /** Reassign colours for the providers present, alphabetically. */
  assign(providers: Iterable<string>): void {
    this.colors.clear();
    for (const [i, p] of [...new Set(providers)].sort().entries()) this.colors.set(p, colorAt(i));
  }

  colorOf(provider: string): string {
    let c = this.colors.get(provider);
    if (c === undefined) {
      c = colorAt(this.colors.size);
      this.colors.set(provider, c);
    }
    return c;
  }

  entries(): [string, string][] {
    return [...this.colors.entries()];
  }
}

/** Beyond the palette, golden-angle hues keep neighbours distinct (hex: the WebGL colour parser wants it). */
function colorAt(i: number): string {
  if (i < PALETTE.length) return PALETTE[i];
  return hslToHex((i * 137.508) % 360, 0.55, 0.45);
}

function hslToHex(hue: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/**
 * The provider's colour; a node that is not up (its switch has not connected, or it failed) keeps the hue
 * but is washed out, so the map stays readable before the southbound has connected everything.
 */
export function nodeColor(node: Pick<TopoNode, 'operUp' | 'provider'>, palette: ProviderPalette): string {
  const c = palette.colorOf(node.provider);
  return node.operUp ? c : washOut(c);
}

/** Mix a #rrggbb colour 60 % towards white. */
export function washOut(hex: string): string {
  const v = Number.parseInt(hex.slice(1), 16);
  const ch = (shift: number) => {
    const x = (v >> shift) & 0xff;
    return Math.round(x + (255 - x) * 0.6)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}
