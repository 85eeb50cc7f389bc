import type { FastifyInstance } from 'fastify';
import type { IntentRequest } from '../../intent/intent-request.js';
import type { IntentFilter, IntentService } from '../../intent/intent-service.js';
import type { IntentPatch } from '../../intent/intent-types.js';
import { SdncError } from '../../model/errors.js';

/**
 * Intents: POST admits (201 with the outcome state; an Idempotency-Key retry answers 200 with the same
 * intent), GET lists and shows, PATCH changes make-before-break, DELETE withdraws.
 */
export function registerIntentRoutes(app: FastifyInstance, deps: { readonly intents: IntentService }): void {
  const { intents } = deps;

  app.route({
    ...app.openapi.route('listIntents'),
    handler: async (request) => ({ items: intents.list(request.query as IntentFilter) }),
  });

  const create = app.openapi.route('createIntent');
  const created = `${create.url.replace(/\/$/, '')}/`;
  app.route({
    ...create,
    handler: async (request, reply) => {
      const header = request.headers['idempotency-key'];
      if (Array.isArray(header))
        throw new SdncError('SDNC_ERR_VALIDATION', { reason: 'send one Idempotency-Key header, not several' });
      if (header !== undefined && (header.length === 0 || header.length > 200)) {
        throw new SdncError('SDNC_ERR_VALIDATION', { reason: 'Idempotency-Key must be 1 to 200 characters' });
      }
      const outcome = await intents.submit(request.body as IntentRequest, header === undefined ? {} : { idempotencyKey: header });
      return reply
        .code(outcome.created ? 201 : 200)
        .header('location', created + outcome.intent.id)
        .send(outcome.intent);
    },
  });

  app.route({
    ...app.openapi.route('getIntent'),
    handler: async (request) => intents.get((request.params as { id: string }).id),
  });

  app.route({
    ...app.openapi.route('patchIntent'),
    handler: async (request) => intents.patch((request.params as { id: string }).id, request.body as IntentPatch),
  });

  app.route({
    ...app.openapi.route('deleteIntent'),
    handler: async (request) => intents.withdraw((request.params as { id: string }).id),
  });
}
