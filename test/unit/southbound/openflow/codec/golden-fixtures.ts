import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OfpMessage } from '../../../../../src/southbound/openflow/codec/index.js';

/** Golden messages generated from os-ken by scripts/gen-openflow-golden.py. */
export interface GoldenFixture {
  readonly name: string;
  readonly description: string;
  readonly bytes: Buffer;
  readonly expected: OfpMessage;
}

const FIXTURE_DIR = fileURLToPath(new URL('../../../../fixtures/openflow/', import.meta.url));

/** JSON carries uint64 as {"$bigint": "N"} and byte strings as {"$hex": "..."}. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (typeof o.$hex === 'string') return Buffer.from(o.$hex, 'hex');
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

export function loadGoldenMessages(): GoldenFixture[] {
  const doc = JSON.parse(readFileSync(`${FIXTURE_DIR}messages.json`, 'utf8')) as {
    fixtures: { name: string; description: string; hex: string; expected: unknown }[];
  };
  return doc.fixtures.map((f) => ({
    name: f.name,
    description: f.description,
    bytes: Buffer.from(f.hex, 'hex'),
    expected: revive(f.expected) as OfpMessage,
  }));
}

export interface GoldenErrorNames {
  readonly types: readonly { type: number; name: string; codes: readonly { code: number; name: string }[] }[];
}

export function loadGoldenErrorNames(): GoldenErrorNames {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}error-names.json`, 'utf8')) as GoldenErrorNames;
}
