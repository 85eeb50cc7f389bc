import type { FastifyInstance } from 'fastify';
import { SdncError } from '../../model/errors.js';
import type { ServerDeps } from '../server.js';

/** Liveness, readiness and Prometheus metrics, outside the versioned API base path. */
export function registerHealthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.route({
    ...app.openapi.route('getLiveness'),
    handler: async () => ({ status: 'ok' }),
  });

  app.route({
    ...app.openapi.route('getReadiness'),
    handler: async () => {
      const state = deps.ready?.() ?? { ok: true };
      if (!state.ok) throw new SdncError('SDNC_ERR_NOT_READY', { reason: state.reason ?? 'starting' });
      return { status: 'ok' };
    },
  });

  app.route({
    ...app.openapi.route('getMetrics'),
    handler: async (_request, reply) => {
      const body = await app.metricsRegistry.metrics();
      return reply.type(app.metricsRegistry.contentType).send(body);
    },
  });
}
