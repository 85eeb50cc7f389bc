import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { IntentRequest } from '../../intent/intent-request.js';
import type { IntentFilter, IntentService, IntentUsage } from '../../intent/intent-service.js';
import type { IntentPatch } from '../../intent/intent-types.js';
import { SdncError } from '../../model/errors.js';

/**
 * Intents: POST admits (201 with the outcome state; an Idempotency-Key retry answers 200 with the same
 * intent), GET lists and shows, PATCH changes make-before-break, DELETE withdraws.
 */
export function registerIntentRoutes(app: FastifyInstance, deps: { readonly intents: IntentService }): void {
  const { intents } = deps;
  registerIntentMetrics(app.metricsRegistry, intents);

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

/** Intent gauges on the shared registry, computed when scraped. */
function registerIntentMetrics(registry: Registry, intents: IntentService): void {
  const gauge = (name: string, help: string, value: (u: IntentUsage) => number) =>
    registry.registerMetric(
      new Gauge({
        name,
        help,
        registers: [],
        collect() {
          this.set(value(intents.usage()));
        },
      }),
    );
  registry.registerMetric(
    new Gauge({
      name: 'sdnc_intents',
      help: 'Intents, by state',
      labelNames: ['state'],
      registers: [],
      collect() {
        for (const [state, n] of Object.entries(intents.usage().byState)) this.set({ state }, n);
      },
    }),
  );
  gauge(
    'sdnc_tunnels',
    'Label-switched tunnels in place, each shared by the intents on its paths to its hosts',
    (u) => u.tunnels,
  );
  gauge('sdnc_tunnel_labels_used', 'VLAN labels held by tunnels (crankback labels included)', (u) => u.labelsUsed);
  gauge('sdnc_tunnel_labels_total', 'VLAN labels tunnels can hold', (u) => u.labelsTotal);
  gauge('sdnc_meters_used', 'Meter ids held by intents, over all switches', (u) => u.metersUsed);
}
