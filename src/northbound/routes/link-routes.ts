import type { FastifyInstance } from 'fastify';
import type { LinkPatch, TopoLink } from '../../model/topology.js';
import type { CableInput } from '../../topology/topology-service.js';
import type { ServerDeps } from '../server.js';

interface LinkFilter {
  readonly src?: string;
  readonly dst?: string;
  readonly cable?: string;
  readonly provider?: string;
  readonly srlg?: string;
  readonly adminUp?: boolean;
  readonly operUp?: boolean;
}

function matches(l: TopoLink, f: LinkFilter): boolean {
  return (
    (f.src === undefined || l.src === f.src) &&
    (f.dst === undefined || l.dst === f.dst) &&
    (f.cable === undefined || l.cable === f.cable) &&
    (f.provider === undefined || l.provider === f.provider) &&
    (f.srlg === undefined || l.srlgs.includes(f.srlg)) &&
    (f.adminUp === undefined || l.adminUp === f.adminUp) &&
    (f.operUp === undefined || l.operUp === f.operUp)
  );
}

/** Directed links and cables. A PATCH on a cable id changes both directions in one step. */
export function registerLinkRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const { topology } = deps;

  app.route({
    ...app.openapi.route('listLinks'),
    handler: async (request) => {
      const filter = request.query as LinkFilter;
      return { items: topology.store.links().filter((l) => matches(l, filter)) };
    },
  });

  app.route({
    ...app.openapi.route('getLink'),
    handler: async (request) => topology.store.getLink((request.params as { id: string }).id),
  });

  app.route({
    ...app.openapi.route('createCable'),
    handler: async (request, reply) => {
      const links = topology.addCable(request.body as CableInput);
      return reply.code(201).send({ cable: links[0].cable, links });
    },
  });

  app.route({
    ...app.openapi.route('patchLink'),
    handler: async (request) => {
      const links = topology.patchLink((request.params as { id: string }).id, request.body as LinkPatch);
      return { cable: links[0].cable, links };
    },
  });
}
