import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeValidation } from '../../../src/northbound/error-handler.js';
import { harness } from './server-harness.js';
import { stateOf } from './topology-fixture.js';

let h: Awaited<ReturnType<typeof harness>>;
const logged: string[] = [];

beforeAll(async () => {
  const { pino } = await import('pino');
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
  h = await harness({
    logger,
    bodyLimitBytes: 2048,
    extraRoutes: [
      (app) => {
        app.get('/api/v1/boom', async () => {
          throw new TypeError('cannot read properties of undefined');
        });
      },
    ],
  });
});
afterAll(async () => h.app.close());

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  readonly url: string;
  readonly payload?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly message: RegExp;
}

const cases: Case[] = [
  {
    name: 'wrong type in a body',
    method: 'PATCH',
    url: '/api/v1/links/par-fra',
    payload: { capacityMbps: '100' },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /^Request is invalid: body\/capacityMbps must be number$/,
  },
  {
    name: 'unknown field in a body',
    method: 'POST',
    url: '/api/v1/links',
    payload: { id: 'x', src: 'par', dst: 'ams', capacityMbps: 1, latencyMs: 1, colour: 'blue' },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /body\/colour is not a known field/,
  },
  {
    name: 'missing required field',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: { id: 'x', kind: 'exchange', provider: 'p', jurisdiction: 'FR' },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /body\/name is required/,
  },
  {
    name: 'nested wrong value',
    method: 'POST',
    url: '/api/v1/endpoints',
    payload: { id: 'h', addresses: ['10.0.0.1'], attachment: { node: 'par', port: 0 } },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /body\/attachment\/port must be >= 1/,
  },
  {
    name: 'enum value not allowed',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: { id: 'x', kind: 'endpoint', name: 'x', provider: 'p', jurisdiction: 'FR' },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /body\/kind must be one of: cloud-region, telco-edge, exchange, switch/,
  },
  {
    name: 'empty patch',
    method: 'PATCH',
    url: '/api/v1/links/par-fra',
    payload: {},
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /body must NOT have fewer than 1 properties/,
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    url: '/api/v1/links?colour=blue',
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /querystring\/colour is not a known field/,
  },
  {
    name: 'bad query value',
    method: 'GET',
    url: '/api/v1/links?adminUp=maybe',
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /querystring\/adminUp must be boolean/,
  },
  {
    name: 'malformed path id',
    method: 'GET',
    url: '/api/v1/nodes/-bad',
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /params\/id must match pattern/,
  },
  {
    name: 'unknown node',
    method: 'GET',
    url: '/api/v1/nodes/nowhere',
    status: 404,
    code: 'SDNC_ERR_NODE_NOT_FOUND',
    message: /^Node nowhere does not exist$/,
  },
  {
    name: 'unknown link',
    method: 'PATCH',
    url: '/api/v1/links/nowhere',
    payload: { cost: 1 },
    status: 404,
    code: 'SDNC_ERR_LINK_NOT_FOUND',
    message: /nowhere/,
  },
  {
    name: 'unknown endpoint',
    method: 'DELETE',
    url: '/api/v1/endpoints/par',
    status: 404,
    code: 'SDNC_ERR_ENDPOINT_NOT_FOUND',
    message: /Endpoint par/,
  },
  {
    name: 'cable to an unknown node',
    method: 'POST',
    url: '/api/v1/links',
    payload: { id: 'x', src: 'par', dst: 'nowhere', capacityMbps: 1, latencyMs: 1 },
    status: 404,
    code: 'SDNC_ERR_NODE_NOT_FOUND',
    message: /Node nowhere/,
  },
  {
    name: 'duplicate node id',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: { id: 'par', kind: 'exchange', name: 'x', provider: 'p', jurisdiction: 'FR' },
    status: 409,
    code: 'SDNC_ERR_DUPLICATE_ID',
    message: /^Node par already exists; choose another id$/,
  },
  {
    name: 'duplicate cable id',
    method: 'POST',
    url: '/api/v1/links',
    payload: { id: 'par-fra', src: 'par', dst: 'ams', capacityMbps: 1, latencyMs: 1 },
    status: 409,
    code: 'SDNC_ERR_DUPLICATE_ID',
    message: /Link par-fra/,
  },
  {
    name: 'invalid prefix',
    method: 'POST',
    url: '/api/v1/endpoints',
    payload: { id: 'h', addresses: ['10.0.0.0/24', '10.0.0.256'], attachment: { node: 'par', port: 3 } },
    status: 400,
    code: 'SDNC_ERR_INVALID_PREFIX',
    message: /Address 10\.0\.0\.256 is not a valid/,
  },
  {
    name: 'prefix owned by another endpoint',
    method: 'POST',
    url: '/api/v1/endpoints',
    payload: { id: 'h', addresses: ['10.1.0.0/24'], attachment: { node: 'par', port: 3 } },
    status: 409,
    code: 'SDNC_ERR_PREFIX_CONFLICT',
    message: /owned by endpoint h-par/,
  },
  {
    name: 'invalid lookup address',
    method: 'GET',
    url: '/api/v1/endpoints/lookup?address=not-an-ip',
    status: 400,
    code: 'SDNC_ERR_INVALID_PREFIX',
    message: /not-an-ip/,
  },
  {
    name: 'capacity below reserved',
    method: 'PATCH',
    url: '/api/v1/links/fra-ams',
    payload: { capacityMbps: 50, adminUp: false },
    status: 409,
    code: 'SDNC_ERR_CAPACITY_BELOW_RESERVED',
    message: /Capacity 50 Mbit\/s of link fra-ams\.a is below the 100 Mbit\/s already reserved/,
  },
  {
    name: 'node in use',
    method: 'DELETE',
    url: '/api/v1/nodes/ams',
    status: 409,
    code: 'SDNC_ERR_NODE_IN_USE',
    message: /Node ams still has/,
  },
  {
    name: 'oversized body',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: { id: 'big', kind: 'exchange', name: 'x'.repeat(4000), provider: 'p', jurisdiction: 'FR' },
    status: 413,
    code: 'SDNC_ERR_BODY_TOO_LARGE',
    message: /larger than 2048 bytes/,
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: '{"id": "x",',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'SDNC_ERR_MALFORMED_JSON',
    message: /^Request body is not valid JSON: /,
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: '',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'SDNC_ERR_MALFORMED_JSON',
    message: /the body is empty/,
  },
  {
    name: 'JSON that is not an object',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: '[1,2]',
    headers: { 'content-type': 'application/json' },
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /^Request is invalid: body must be object$/,
  },
  {
    name: 'unsupported media type',
    method: 'POST',
    url: '/api/v1/nodes',
    payload: 'id=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'SDNC_ERR_UNSUPPORTED_MEDIA_TYPE',
    message: /Content-Type application\/x-www-form-urlencoded is not supported/,
  },
  {
    name: 'unknown route',
    method: 'GET',
    url: '/api/v1/nothing-here',
    status: 404,
    code: 'SDNC_ERR_NOT_FOUND',
    message: /^No route GET \/api\/v1\/nothing-here$/,
  },
  {
    name: 'wrong method',
    method: 'PUT',
    url: '/api/v1/links/par-fra.a',
    status: 405,
    code: 'SDNC_ERR_METHOD_NOT_ALLOWED',
    message: /Method PUT/,
  },
  {
    name: 'badly encoded URL',
    method: 'GET',
    url: '/api/v1/nodes/%E0%A4%A',
    status: 400,
    code: 'SDNC_ERR_VALIDATION',
    message: /percent-encoded/,
  },
];

describe('bad input gets a catalogued 4xx and changes nothing', () => {
  it.each(cases)('$name -> $status $code', async (c) => {
    h.store.adjustReserved('fra-ams.a', 100 - h.store.getLink('fra-ams.a').reservedMbps);
    const before = stateOf(h);
    const res = await h.app.inject({
      method: c.method,
      url: c.url,
      ...(c.payload !== undefined ? { payload: c.payload as string } : {}),
      headers: c.headers,
    });
    expect(res.statusCode, res.body).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message']);
    expect(body.code).toBe(c.code);
    expect(body.message).toMatch(c.message);
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(stateOf(h)).toEqual(before);
  });

  it('lists each failing path of a validation error in details', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/links',
      payload: { id: 'x', src: 'par', capacityMbps: -1, latencyMs: 'slow', extra: true },
    });
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(res.json().details.errors.sort(byPath)).toEqual(
      [
        { path: 'body/extra', message: 'is not a known field' },
        { path: 'body/dst', message: 'is required' },
        { path: 'body/capacityMbps', message: 'must be > 0' },
        { path: 'body/latencyMs', message: 'must be number' },
      ].sort(byPath),
    );
  });

  it('answers 405 with the allowed methods', async () => {
    const res = await h.app.inject({ method: 'PUT', url: '/api/v1/nodes/par' });
    expect(res.headers.allow).toBe('DELETE, GET, HEAD');
  });

  it('turns an unexpected error into a 500 with a logged reference and no stack', async () => {
    const res = await h.app.inject({ url: '/api/v1/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body.code).toBe('SDNC_ERR_INTERNAL');
    expect(body.message).toBe(`Internal error (${body.details.ref}); the request was not applied`);
    expect(body.details).toEqual({ ref: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(res.body).not.toContain('cannot read properties');
    const entry = logged.map((l) => JSON.parse(l)).find((l) => l.ref === body.details.ref);
    expect(entry?.err?.message).toBe('cannot read properties of undefined');
    expect(entry?.err?.stack).toContain('TypeError');
  });
});

describe('describeValidation', () => {
  it('names the field for required, unknown, enum and const failures and drops duplicates', () => {
    const issues = describeValidation('body', [
      {
        keyword: 'required',
        instancePath: '/attachment',
        params: { missingProperty: 'port' },
        message: "must have required property 'port'",
      },
      { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } },
      { keyword: 'enum', instancePath: '/kind', params: { allowedValues: ['a', 'b'] } },
      { keyword: 'const', instancePath: '/type', params: { allowedValue: 'resync' } },
      { keyword: 'type', instancePath: '/n', params: {}, message: 'must be number' },
      { keyword: 'type', instancePath: '/n', params: {}, message: 'must be number' },
    ]);
    expect(issues).toEqual([
      { path: 'body/attachment/port', message: 'is required' },
      { path: 'body/x', message: 'is not a known field' },
      { path: 'body/kind', message: 'must be one of: a, b' },
      { path: 'body/type', message: 'must be "resync"' },
      { path: 'body/n', message: 'must be number' },
    ]);
  });
});
