import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventBus } from '../events/event-bus.js';
import { SdncError } from '../model/errors.js';
import type { PathService } from '../path/path-service.js';
import type { TopologyService } from '../topology/topology-service.js';
import { frameworkErrorHandler, installErrorHandling } from './error-handler.js';
import { EventsStream } from './events-stream.js';
import { createMetricsRegistry, NorthboundMetrics } from './metrics.js';
import { OpenApiSchemas } from './openapi-schemas.js';
import { registerDocsRoutes } from './routes/docs-routes.js';
import { registerEndpointRoutes } from './routes/endpoint-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerLinkRoutes } from './routes/link-routes.js';
import { registerNodeRoutes } from './routes/node-routes.js';
import { registerPathRoutes } from './routes/path-routes.js';
import { registerTopologyRoutes } from './routes/topology-routes.js';

/** Everything the northbound serves from. Areas add their own optional members here. */
export interface ServerDeps {
  readonly topology: TopologyService;
  readonly bus: EventBus;
  readonly logger?: Logger;
  /** Readiness for /readyz; ready when absent. */
  readonly ready?: () => { ok: boolean; reason?: string };
  /** Largest request body accepted; 1 MiB when absent. */
  readonly bodyLimitBytes?: number;
  /** Intents' public views for the event-stream snapshot; `[]` until the intent engine provides them. */
  readonly intentsSnapshot?: () => unknown[];
  /** Shared registry others add their metrics to; a new one (with process metrics) when absent. */
  readonly metricsRegistry?: Registry;
  /** The API document; loaded from openapi.yaml when absent. */
  readonly openapi?: OpenApiSchemas;
  /** Event stream tuning (slow-consumer bound, heartbeat). */
  readonly events?: { readonly maxBufferedBytes?: number; readonly maxLagMs?: number; readonly heartbeatMs?: number };
  /** The path engine, for the dry-run route POST /api/v1/paths/compute (not served when absent). */
  readonly paths?: PathService;
  /**
   * More routes, registered after the built-in ones. Use `app.openapi.route(operationId)` for method, URL
   * and schemas, so that the route is validated against openapi.yaml.
   */
  readonly extraRoutes?: ReadonlyArray<(app: FastifyInstance) => void | Promise<void>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API document: `app.route({ ...app.openapi.route('getNode'), handler })`. */
    openapi: OpenApiSchemas;
    metricsRegistry: Registry;
    northboundMetrics: NorthboundMetrics;
    eventsStream: EventsStream;
  }
}

export const API_BASE = '/api/v1';
export const EVENTS_PATH = `${API_BASE}/events`;
const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds the REST + WebSocket server (not yet listening). Request schemas come only from openapi.yaml and
 * are checked at run time by Ajv (JSON Schema 2020-12, the OpenAPI 3.1 dialect); errors are rendered
 * uniformly by error-handler.ts. Call `listen({ port })` on the result; `close()` also closes the stream.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const api = deps.openapi ?? new OpenApiSchemas();
  const options = { bodyLimit, frameworkErrors: frameworkErrorHandler(bodyLimit) };
  const app = (deps.logger
    ? Fastify({ ...options, loggerInstance: deps.logger })
    : Fastify({ ...options, logger: false })) as unknown as FastifyInstance;

  const bodyAjv = api.createAjv({ coerceTypes: false });
  const textAjv = api.createAjv({ coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object));
  // Response serialisation (fast-json-stringify) resolves the same references through fastify's shared schemas.
  app.addSchema(api.componentsSchema());
  installJsonParser(app);
  installErrorHandling(app, bodyLimit);

  const registry = deps.metricsRegistry ?? createMetricsRegistry();
  const events = new EventsStream(app.server, {
    path: EVENTS_PATH,
    bus: deps.bus,
    snapshot: () => ({ seq: deps.bus.seq, topology: deps.topology.store.snapshot(), intents: deps.intentsSnapshot?.() ?? [] }),
    ...deps.events,
    log: app.log,
  });
  const metrics = new NorthboundMetrics(registry, { topology: deps.topology, wsSubscribers: () => events.subscribers });
  app.decorate('openapi', api);
  app.decorate('metricsRegistry', registry);
  app.decorate('northboundMetrics', metrics);
  app.decorate('eventsStream', events);
  // Callback style: an async hook costs a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('preClose', async () => events.close());

  registerTopologyRoutes(app, deps);
  registerNodeRoutes(app, deps);
  registerLinkRoutes(app, deps);
  registerEndpointRoutes(app, deps);
  registerPathRoutes(app, deps);
  registerHealthRoutes(app, deps);
  await registerDocsRoutes(app);
  for (const register of deps.extraRoutes ?? []) await register(app);
  return app;
}

/**
 * JSON is the only request body type (text/plain is refused with 415). Parsing is done here rather than
 * by fastify's default parser so that the error says where the JSON breaks.
 */
function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // An empty or blank body does not parse either: say so rather than quote the parser.
      const reason = text.trim().length === 0 ? 'the body is empty' : (err as Error).message;
      done(new SdncError('SDNC_ERR_MALFORMED_JSON', { reason }), undefined);
      return;
    }
    done(null, value);
  });
}
