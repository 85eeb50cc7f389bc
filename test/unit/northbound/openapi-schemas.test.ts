import { describe, expect, it } from 'vitest';
import { OPENAPI_SCHEMA_ID, OpenApiSchemas } from '../../../src/northbound/openapi-schemas.js';

const api = new OpenApiSchemas();

/** Every `$ref` string anywhere in a value. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('OpenApiSchemas', () => {
  it('loads an OpenAPI 3.1 document whose local references all resolve', () => {
    expect(api.document.openapi).toMatch(/^3\.1\./);
    for (const ref of refsIn(api.document)) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      let cur: unknown = api.document;
      for (const part of ref.slice(2).split('/')) cur = (cur as Record<string, unknown>)[part];
      expect(cur, ref).toBeTypeOf('object');
    }
  });

  it('compiles every schema of every operation with the strict validator', () => {
    const ajv = api.createAjv({ coerceTypes: false });
    expect(api.operationIds().length).toBeGreaterThanOrEqual(17);
    for (const id of api.operationIds()) {
      const s = api.routeSchema(id) as Record<string, unknown>;
      for (const part of ['params', 'querystring', 'body'] as const) if (s[part]) ajv.compile(s[part] as object);
      for (const r of Object.values((s.response as Record<string, object>) ?? {})) ajv.compile(r);
    }
  });

  it('maps an operation to fastify method, URL and absolute references', () => {
    const r = api.route('patchLink');
    expect(r.method).toBe('PATCH');
    expect(r.url).toBe('/api/v1/links/:id');
    expect(r.schema.body).toEqual({ $ref: `${OPENAPI_SCHEMA_ID}#/components/schemas/LinkPatch` });
    expect(r.schema.params).toEqual({
      type: 'object',
      properties: { id: { $ref: `${OPENAPI_SCHEMA_ID}#/components/schemas/Id` } },
      required: ['id'],
      additionalProperties: false,
    });
    expect(Object.keys(r.schema.response as object)).toEqual(['200', 'default']);
  });

  it('validates request bodies without coercion and query strings with it', () => {
    const body = api.createAjv({ coerceTypes: false }).compile(api.routeSchema('patchLink').body as object);
    expect(body({ capacityMbps: 100 })).toBe(true);
    expect(body({ capacityMbps: '100' })).toBe(false);
    expect(body({})).toBe(false);
    expect(body({ capacityMbps: 100, colour: 'red' })).toBe(false);
    const query = api.createAjv({ coerceTypes: true }).compile(api.routeSchema('listLinks').querystring as object);
    const q = { adminUp: 'false' };
    expect(query(q)).toBe(true);
    expect(q).toEqual({ adminUp: false });
    expect(query({ color: 'x' })).toBe(false);
  });

  it('refuses unknown operations and documents without operationIds', () => {
    expect(() => api.route('noSuchOperation')).toThrow(/noSuchOperation is not in openapi.yaml/);
    const doc = { ...api.document, paths: { '/x': { get: { responses: {} } } } };
    expect(() => new OpenApiSchemas(doc)).toThrow(/GET \/x has no operationId/);
  });
});
