import type { TopoLink } from '../model/topology.js';

/**
 * How one cable (both directions of a physical link) is drawn. The cable shows its worse direction:
 * an operator looks for the hottest or broken direction first, and the tooltip lists both.
 */
export interface LinkStyle {
  readonly color: string;
  readonly size: number;
  /** True when any direction is administratively or operationally down. */
  readonly down: boolean;
  /** Highest reservedMbps / capacityMbps over the directions, 0..1 (capacity 0 counts as full). */
  readonly utilisation: number;
}

export type PathRole = 'primary' | 'backup' | null;

const GREEN: Rgb = [46, 158, 68];
const AMBER: Rgb = [240, 163, 10];
const RED: Rgb = [215, 38, 61];
export const DOWN_COLOR = '#6b6b6b';
export const PRIMARY_COLOR = '#1f5fd6';
export const BACKUP_COLOR = '#9b38c9';

type Rgb = readonly [number, number, number];

export function utilisationOf(link: Pick<TopoLink, 'reservedMbps' | 'capacityMbps'>): number {
  if (link.capacityMbps <= 0) return 1;
  return Math.max(0, Math.min(1, link.reservedMbps / link.capacityMbps));
}

/** Green at 0, amber at 50 %, red from 90 % on: the last tenth is where admission starts refusing. */
export function utilisationColor(utilisation: number): string {
  const u = Math.max(0, Math.min(1, utilisation));
  if (u <= 0.5) return toHex(mix(GREEN, AMBER, u / 0.5));
  return toHex(mix(AMBER, RED, Math.min(1, (u - 0.5) / 0.4)));
}

export function cableStyle(directions: readonly TopoLink[], role: PathRole = null): LinkStyle {
  const down = directions.some((l) => !l.adminUp || !l.operUp);
  const utilisation = directions.reduce((max, l) => Math.max(max, utilisationOf(l)), 0);
  const base = down ? DOWN_COLOR : utilisationColor(utilisation);
  if (role === 'primary') return { color: PRIMARY_COLOR, size: 6, down, utilisation };
  if (role === 'backup') return { color: BACKUP_COLOR, size: 5, down, utilisation };
  return { color: base, size: down ? 3.5 : 3, down, utilisation };
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function toHex(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}
