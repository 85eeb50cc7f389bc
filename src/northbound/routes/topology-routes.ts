import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../server.js';

/** GET /api/v1/topology: the whole graph with live state and the event seq it reflects. */
export function registerTopologyRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.route({
    ...app.openapi.route('getTopology'),
    handler: async () => ({ seq: deps.bus.seq, ...deps.topology.store.snapshot() }),
  });
}
