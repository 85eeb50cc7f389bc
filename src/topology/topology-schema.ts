import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from '../../topology/topology.schema.json' with { type: 'json' };

/**
 * The shape of a topology file as written by people (topology/topology.schema.json is the contract;
 * these types mirror it). The loader turns a validated document into TopoNode/TopoLink values.
 */
export type ProviderKind = 'cloud' | 'telco' | 'exchange' | 'transit';

export interface ProviderDoc {
  readonly id: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly costPerMbps?: number;
}

export interface PortDoc {
  readonly number: number;
  readonly name?: string;
  readonly mac?: string;
}

export interface LocationDoc {
  readonly lat: number;
  readonly lon: number;
}

export interface NodeDoc {
  readonly id: string;
  readonly kind: 'cloud-region' | 'telco-edge' | 'exchange' | 'switch';
  readonly name: string;
  readonly provider: string;
  readonly jurisdiction: string;
  readonly location?: LocationDoc;
  readonly datapathId?: string;
  readonly ports?: readonly PortDoc[];
}

export interface EndpointDoc {
  readonly id: string;
  readonly name: string;
  readonly provider?: string;
  readonly jurisdiction?: string;
  readonly location?: LocationDoc;
  readonly addresses: readonly string[];
  readonly mac?: string;
  readonly attachment: { readonly node: string; readonly port: number };
}

export interface CableEndDoc {
  readonly node: string;
  readonly port?: number;
}

export interface CableDoc {
  readonly id: string;
  readonly a: CableEndDoc;
  readonly b: CableEndDoc;
  readonly capacityMbps: number;
  readonly latencyMs?: number;
  readonly cost?: number;
  readonly energyJPerGbit?: number;
  readonly srlgs?: readonly string[];
  readonly provider: string;
}

export interface TopologyDoc {
  readonly name?: string;
  readonly description?: string;
  readonly providers: readonly ProviderDoc[];
  readonly nodes: readonly NodeDoc[];
  readonly endpoints?: readonly EndpointDoc[];
  readonly cables?: readonly CableDoc[];
}

/** One schema violation: the JSON pointer of the offending field and what is wrong with it. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validateDoc = ajv.compile<TopologyDoc>(schema);

/** Validates a parsed document against topology.schema.json; returns every problem found. */
export function checkSchema(doc: unknown): SchemaProblem[] {
  if (validateDoc(doc)) return [];
  return dedupe((validateDoc.errors ?? []).filter((e) => e.keyword !== 'if').map(toProblem));
}

export function isTopologyDoc(doc: unknown): doc is TopologyDoc {
  return validateDoc(doc);
}

/** What a person should read for a pattern that failed: the pattern itself says little. */
const PATTERN_HINTS: Record<string, string> = {
  datapathId: 'must be 16 hex digits in quotes (e.g. "0000000000000001") or 0x followed by up to 16 hex digits',
  jurisdiction: 'must be an ISO 3166-1 alpha-2 country code in upper case (e.g. DE)',
  mac: 'must be a MAC address like 02:00:00:00:00:01',
};

function toProblem(e: ErrorObject): SchemaProblem {
  const path = e.instancePath === '' ? '/' : e.instancePath;
  const field = e.instancePath.split('/').pop() ?? '';
  switch (e.keyword) {
    case 'additionalProperties':
      return { path, message: `has unknown property '${String(e.params.additionalProperty)}'` };
    case 'required':
      return { path, message: `is missing required property '${String(e.params.missingProperty)}'` };
    case 'enum':
      return {
        path,
        message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern': {
      const hint = PATTERN_HINTS[field];
      if (hint) return { path, message: hint };
      if (e.schemaPath.includes('/$defs/id/')) {
        return { path, message: "must be an id of letters, digits, '-' and '_' (at most 64, starting with a letter or digit)" };
      }
      return { path, message: e.message ?? 'has the wrong form' };
    }
    case 'type':
      if (field === 'datapathId') {
        return { path, message: `${PATTERN_HINTS.datapathId}; YAML reads unquoted digits as a number` };
      }
      return { path, message: e.message ?? 'has the wrong type' };
    default:
      return { path, message: e.message ?? 'is invalid' };
  }
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
