import type { FastifyInstance } from 'fastify';
import { SdncError } from '../../model/errors.js';
import type { EndpointInput } from '../../topology/topology-service.js';
import type { ServerDeps } from '../server.js';
import { matchesNodeFilter } from './node-routes.js';

interface EndpointFilter {
  readonly node?: string;
  readonly provider?: string;
  readonly jurisdiction?: string;
}

/** Endpoints (hosts and subnets) and the longest-prefix lookup from an address to its endpoint. */
export function registerEndpointRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { topology } = deps;

  app.route({
    ...app.openapi.route('listEndpoints'),
    handler: async (request) => {
      const f = request.query as EndpointFilter;
      const items = topology.store
        .nodes()
        .filter(
          (n) =>
            matchesNodeFilter(n, { kind: 'endpoint', provider: f.provider, jurisdiction: f.jurisdiction }) &&
            (f.node === undefined || n.attachment?.node === f.node),
        );
      return { items };
    },
  });

  app.route({
    ...app.openapi.route('lookupEndpoint'),
    handler: async (request) => {
      const { address } = request.query as { address: string };
      const hit = topology.resolveAddress(address);
      if (!hit) throw new SdncError('SDNC_ERR_NO_ENDPOINT_FOR_ADDRESS', { address });
      return { address, prefix: hit.prefix, endpoint: hit.endpoint };
    },
  });

  app.route({
    ...app.openapi.route('getEndpoint'),
    handler: async (request) => topology.getEndpoint((request.params as { id: string }).id),
  });

  app.route({
    ...app.openapi.route('createEndpoint'),
    handler: async (request, reply) => {
      const endpoint = topology.addEndpoint(request.body as EndpointInput);
      return reply
        .code(201)
        .header('location', `/api/v1/endpoints/${encodeURIComponent(endpoint.id)}`)
        .send(endpoint);
    },
  });

  app.route({
    ...app.openapi.route('deleteEndpoint'),
    handler: async (request, reply) => {
      topology.removeEndpoint((request.params as { id: string }).id);
      return reply.code(204).send();
    },
  });
}
