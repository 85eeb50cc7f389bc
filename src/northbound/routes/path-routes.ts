import type { FastifyInstance } from 'fastify';
import { SdncError } from '../../model/errors.js';
import type { PathRequest } from '../../model/path.js';
import type { PathService } from '../../path/path-service.js';

export interface PathRouteDeps {
  readonly paths?: PathService;
}

/** POST /api/v1/paths/compute: a dry run of the path engine; reserves nothing. */
export function registerPathRoutes(app: FastifyInstance, deps: PathRouteDeps): void {
  const { paths } = deps;
  if (paths === undefined) return;
  app.route({
    ...app.openapi.route('computePaths'),
    handler: async (request) => {
      const res = paths.compute(request.body as PathRequest);
      if (!res.ok) {
        throw new SdncError('SDNC_ERR_NO_PATH', {
          code: res.reason.code,
          reason: res.reason.message,
          details: res.reason.details,
        });
      }
      const { ok: _ok, ...body } = res;
      return body;
    },
  });
}
