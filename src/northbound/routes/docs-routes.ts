import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { stringify as toYaml } from 'yaml';

/**
 * The API document itself: /openapi.json, /openapi.yaml and interactive docs at /docs, all from the same
 * openapi.yaml the server validates against (swagger in static mode, so nothing is generated twice).
 */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  const document = app.openapi.document;
  const yamlText = toYaml(document);
  app.get('/openapi.json', async () => document);
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(yamlText));
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
