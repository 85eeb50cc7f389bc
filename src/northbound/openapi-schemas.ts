import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, HTTPMethods } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { findUp } from '../app/find-up.js';

/** `$id` under which the document's components are registered with Ajv and fastify. */
export const OPENAPI_SCHEMA_ID = 'sdnc-openapi.json';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: Json;
  readonly paths: Record<string, Json>;
  readonly components: { readonly schemas: Record<string, Json> } & Json;
  readonly [key: string]: unknown;
}

interface OperationEntry {
  readonly method: HTTPMethods;
  /** Path in the document's form, `/api/v1/nodes/{id}`. */
  readonly path: string;
  readonly operation: Json;
  readonly pathLevelParameters: readonly Json[];
}

/** What `app.route()` needs for one operation: method and URL from the document, schemas from it too. */
export interface OperationRoute {
  readonly method: HTTPMethods;
  /** fastify's form, `/api/v1/nodes/:id`. */
  readonly url: string;
  readonly schema: FastifySchema;
}

/** Finds openapi.yaml at the package root, from the source tree or from the build output. */
export function findOpenApiFile(): string {
  const dir = findUp(import.meta.url, 'openapi.yaml', 5);
  if (dir === undefined) throw new Error('openapi.yaml not found above the northbound module');
  return join(dir, 'openapi.yaml');
}

export function loadOpenApiDocument(file: string = findOpenApiFile()): OpenApiDocument {
  const doc = parseYaml(readFileSync(file, 'utf8')) as OpenApiDocument;
  if (typeof doc?.openapi !== 'string' || !doc.openapi.startsWith('3.1'))
    throw new Error(`${file} is not an OpenAPI 3.1 document`);
  return doc;
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is module.exports.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

/**
 * The OpenAPI document as the server's schema source: each route's request and response schemas are
 * looked up by operationId, with `#/components/...` references rewritten to point into the components,
 * which are registered once (as `sdnc-openapi.json`) with Ajv for validation and with fastify for
 * response serialisation. No schema is written twice.
 */
export class OpenApiSchemas {
  private readonly operations = new Map<string, OperationEntry>();

  constructor(readonly document: OpenApiDocument = loadOpenApiDocument()) {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const pathLevelParameters = ((item.parameters as Json[] | undefined) ?? []).map((p) => this.deref(p));
      for (const m of HTTP_METHODS) {
        const operation = item[m] as Json | undefined;
        if (!operation) continue;
        const id = operation.operationId;
        if (typeof id !== 'string') throw new Error(`${m.toUpperCase()} ${path} has no operationId`);
        if (this.operations.has(id)) throw new Error(`operationId ${id} is used twice`);
        this.operations.set(id, { method: m.toUpperCase() as HTTPMethods, path, operation, pathLevelParameters });
      }
    }
  }

  /** The schema that holds the document's components, for `ajv.addSchema` / `fastify.addSchema`. */
  componentsSchema(): Json {
    return { $id: OPENAPI_SCHEMA_ID, components: this.document.components };
  }

  /**
   * A JSON Schema 2020-12 validator with the components registered. Query strings and path parameters
   * arrive as text, so they are validated with type coercion; bodies are validated without it, so that
   * `"capacityMbps": "100"` is an error rather than silently a number.
   */
  createAjv(options: { coerceTypes: boolean }): Ajv2020 {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      allowUnionTypes: true,
      coerceTypes: options.coerceTypes ? 'array' : false,
      useDefaults: true,
    });
    addFormats(ajv);
    // OpenAPI 3.1 keywords that are annotations for validation purposes (OpenAPI 3.1 section 4.8.24).
    ajv.addVocabulary(['components', 'example', 'discriminator', 'xml', 'externalDocs']);
    ajv.addSchema(this.componentsSchema());
    return ajv;
  }

  operationIds(): string[] {
    return [...this.operations.keys()];
  }

  /** Method, URL and schemas of one operation. */
  route(operationId: string): OperationRoute {
    const entry = this.entry(operationId);
    return { method: entry.method, url: entry.path.replace(/\{(\w+)\}/g, ':$1'), schema: this.routeSchema(operationId) };
  }

  /** fastify route schema (params, querystring, body, response) of one operation. */
  routeSchema(operationId: string): FastifySchema {
    const { operation, pathLevelParameters } = this.entry(operationId);
    const schema: FastifySchema & Record<string, unknown> = {};
    const params = [...pathLevelParameters, ...((operation.parameters as Json[] | undefined) ?? []).map((p) => this.deref(p))];
    const path = objectOf(params.filter((p) => p.in === 'path'));
    const query = objectOf(params.filter((p) => p.in === 'query'));
    if (path) schema.params = this.absolute(path);
    if (query) schema.querystring = this.absolute(query);
    const body = operation.requestBody ? this.deref(operation.requestBody as Json) : undefined;
    const bodySchema = (body?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
    if (bodySchema) schema.body = this.absolute(bodySchema);
    const response: Record<string, unknown> = {};
    for (const [status, r] of Object.entries((operation.responses as Record<string, Json> | undefined) ?? {})) {
      const json = (this.deref(r).content as Record<string, Json> | undefined)?.['application/json']?.schema;
      if (json) response[status.toLowerCase()] = this.absolute(json);
    }
    if (Object.keys(response).length > 0) schema.response = response;
    return schema;
  }

  private entry(operationId: string): OperationEntry {
    const entry = this.operations.get(operationId);
    if (!entry) throw new Error(`operationId ${operationId} is not in openapi.yaml`);
    return entry;
  }

  /** Resolves a local `$ref` to a parameter, request body or response object (one level, as OpenAPI allows). */
  private deref(obj: Json): Json {
    const ref = obj.$ref;
    if (typeof ref !== 'string') return obj;
    if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
    let cur: unknown = this.document;
    for (const part of ref.slice(2).split('/')) cur = (cur as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (typeof cur !== 'object' || cur === null) throw new Error(`unresolved reference ${ref}`);
    return cur as Json;
  }

  /** Deep copy with `#/components/...` references made absolute (they are relative to the document). */
  private absolute<T>(value: T): T {
    if (Array.isArray(value)) return value.map((v) => this.absolute(v)) as T;
    if (typeof value !== 'object' || value === null) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${OPENAPI_SCHEMA_ID}${v}` : this.absolute(v);
    }
    return out as T;
  }
}

/** Parameters of one location as a closed object schema: unknown parameters are rejected. */
function objectOf(params: readonly Json[]): Json | undefined {
  if (params.length === 0) return undefined;
  const properties: Json = {};
  const required: string[] = [];
  for (const p of params) {
    const name = p.name as string;
    properties[name] = p.schema ?? {};
    if (p.required === true) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}
