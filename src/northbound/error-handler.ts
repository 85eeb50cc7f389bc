import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SdncError } from '../model/errors.js';

/** The error body every failing request gets (openapi.yaml `Error`). */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** One failing location of a request, e.g. `{ path: 'body/capacityMbps', message: 'must be number' }`. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The subset of an Ajv error object the formatter reads. */
interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export function renderError(err: SdncError): ErrorBody {
  return { code: err.code, message: err.message, details: err.details };
}

/**
 * Turns schema validation errors into issues a user can act on: the failing location in the request
 * (`body/attachment/port`) and what it must be. Unknown fields and missing fields name the field itself.
 */
export function describeValidation(context: string, issues: readonly SchemaIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const e of issues) {
    let path = `${context}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path = `${path}/${String(e.params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${String(e.params.additionalProperty)}`;
      message = 'is not a known field';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify(e.params.allowedValue)}`;
    }
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}

/**
 * Maps anything thrown while serving a request to a catalogued error. Fastify's own errors (body
 * parsing, content type, bad URL) and schema validation become 4xx; anything unexpected becomes
 * SDNC_ERR_INTERNAL with a reference id that is also logged, and no stack in the body.
 */
export function toSdncError(
  err: unknown,
  bodyLimitBytes: number,
  contentType = '(none)',
): { error: SdncError; unexpected: boolean } {
  if (err instanceof SdncError) return { error: err, unexpected: false };
  const fe = err as Partial<FastifyError> & { validation?: SchemaIssue[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const issues = describeValidation(fe.validationContext ?? 'request', fe.validation);
    const reason = issues.map((i) => `${i.path} ${i.message}`).join('; ');
    return { error: new SdncError('SDNC_ERR_VALIDATION', { reason, errors: issues }), unexpected: false };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new SdncError('SDNC_ERR_BODY_TOO_LARGE', { limitBytes: bodyLimitBytes }), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { error: new SdncError('SDNC_ERR_UNSUPPORTED_MEDIA_TYPE', { contentType }), unexpected: false };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: new SdncError('SDNC_ERR_MALFORMED_JSON', { reason: 'the body is empty' }), unexpected: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { error: new SdncError('SDNC_ERR_MALFORMED_JSON', { reason: 'it does not parse' }), unexpected: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        error: new SdncError('SDNC_ERR_VALIDATION', { reason: 'the body size does not match Content-Length' }),
        unexpected: false,
      };
    case 'FST_ERR_BAD_URL':
      return {
        error: new SdncError('SDNC_ERR_VALIDATION', { reason: 'the URL is not correctly percent-encoded' }),
        unexpected: false,
      };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    // A client error from fastify or a plugin that has no code of its own here: keep its message.
    return { error: new SdncError('SDNC_ERR_VALIDATION', { reason: fe.message ?? 'bad request' }), unexpected: false };
  }
  return { error: new SdncError('SDNC_ERR_INTERNAL', { ref: randomUUID() }), unexpected: true };
}

/** A route pattern in fastify's form, used to tell "no such path" (404) from "wrong method" (405). */
interface KnownRoute {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
}

function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Installs the uniform error rendering on `app`: the error handler, the not-found handler (404 or 405)
 * and the handler for errors fastify raises before routing (bad URLs). Call before adding routes, so
 * that every route is known to the 405 check.
 */
export function installErrorHandling(app: FastifyInstance, bodyLimitBytes: number): void {
  const routes: KnownRoute[] = [];
  app.addHook('onRoute', (opts) => {
    routes.push({ methods: ([] as string[]).concat(opts.method), pattern: patternOf(opts.url ?? opts.path) });
  });

  const send = (request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply => {
    const { error, unexpected } = toSdncError(err, bodyLimitBytes, request.headers['content-type']);
    if (unexpected) request.log.error({ err, ref: error.details.ref }, 'unexpected error while serving a request');
    return reply.code(error.status).type('application/json; charset=utf-8').send(renderError(error));
  };

  app.setErrorHandler((err, request, reply) => send(request, reply, err));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) allowed.add(m);
    if (allowed.size > 0) {
      reply.header('allow', [...allowed].sort().join(', '));
      return send(request, reply, new SdncError('SDNC_ERR_METHOD_NOT_ALLOWED', { method: request.method, url: path }));
    }
    return send(request, reply, new SdncError('SDNC_ERR_NOT_FOUND', { method: request.method, url: path }));
  });
}

/** For fastify's `frameworkErrors` option: errors raised before a route is found. */
export function frameworkErrorHandler(bodyLimitBytes: number) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const { error } = toSdncError(err, bodyLimitBytes, request.headers['content-type']);
    reply.code(error.status).type('application/json; charset=utf-8').send(renderError(error));
  };
}
