import type { FastifyInstance } from 'fastify';
import type { NodeKind, TopoNode } from '../../model/topology.js';
import type { NodeInput } from '../../topology/topology-service.js';
import type { ServerDeps } from '../server.js';

interface NodeFilter {
  readonly kind?: NodeKind;
  readonly provider?: string;
  readonly jurisdiction?: string;
}

export function matchesNodeFilter(n: TopoNode, f: NodeFilter): boolean {
  return (
    (f.kind === undefined || n.kind === f.kind) &&
    (f.provider === undefined || n.provider === f.provider) &&
    (f.jurisdiction === undefined || n.jurisdiction === f.jurisdiction)
  );
}

/** Nodes of every kind. Request shapes are validated against openapi.yaml before a handler runs. */
export function registerNodeRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { topology } = deps;

  app.route({
    ...app.openapi.route('listNodes'),
    handler: async (request) => {
      const filter = request.query as NodeFilter;
      return { items: topology.store.nodes().filter((n) => matchesNodeFilter(n, filter)) };
    },
  });

  app.route({
    ...app.openapi.route('getNode'),
    handler: async (request) => topology.store.getNode((request.params as { id: string }).id),
  });

  app.route({
    ...app.openapi.route('createNode'),
    handler: async (request, reply) => {
      const node = topology.addNode(request.body as NodeInput);
      return reply
        .code(201)
        .header('location', `/api/v1/nodes/${encodeURIComponent(node.id)}`)
        .send(node);
    },
  });

  app.route({
    ...app.openapi.route('deleteNode'),
    handler: async (request, reply) => {
      topology.removeNode((request.params as { id: string }).id);
      return reply.code(204).send();
    },
  });
}
