import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { OpenApiSchemas } from '../../../src/northbound/openapi-schemas.js';
import { buildServer, type ServerDeps } from '../../../src/northbound/server.js';
import { buildFixture } from './topology-fixture.js';

const api = new OpenApiSchemas();
const contractAjv = api.createAjv({ coerceTypes: false });

/** A server over the fixture topology, plus a helper that checks responses against openapi.yaml. */
export async function harness(extra: Partial<ServerDeps> = {}) {
  const fixture = buildFixture();
  const app: FastifyInstance = await buildServer({ topology: fixture.topology, bus: fixture.bus, openapi: api, ...extra });
  await app.ready();

  /** Sends a request and checks the response body against the operation's response schema. */
  async function call(operationId: string, opts: InjectOptions & { expectStatus: number }) {
    const res = await app.inject(opts);
    expect(res.statusCode, res.body).toBe(opts.expectStatus);
    const responses = api.routeSchema(operationId).response as Record<string, object> | undefined;
    const schema = responses?.[String(res.statusCode)] ?? responses?.default;
    if (schema && res.body.length > 0) {
      const validate = contractAjv.compile(schema);
      const body = res.json();
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    }
    return res;
  }
  return { app, api, call, ...fixture };
}
