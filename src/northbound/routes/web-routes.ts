import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findUp } from '../../app/find-up.js';
import { SdncError } from '../../model/errors.js';

export interface WebRoutesOptions {
  /** Directory holding the built page (index.html, app.js...); `<project>/dist/web` when absent. */
  readonly root?: string;
}

interface Asset {
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly type: string;
  readonly etag: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Responses smaller than this are not worth compressing. */
const GZIP_MIN_BYTES = 1024;

/**
 * Serves the web view built by `make build` (scripts/build-web.mjs) at `/`. The files are few and small,
 * so they are read once at registration and served from memory with a strong ETag and, when the client
 * accepts it, a precompressed gzip body. The page's file names carry no content hash, so clients
 * revalidate on every load (`no-cache` + ETag: a 304 costs a round trip and no bytes).
 *
 * Without a built page, `/` answers 503 saying how to build it rather than a bare 404.
 */
export function registerWebRoutes(app: FastifyInstance, options: WebRoutesOptions = {}): void {
  const root = options.root ?? join(projectRoot(), 'dist', 'web');
  const assets = loadAssets(root);

  const serve = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) {
      throw new SdncError('SDNC_ERR_NOT_READY', { reason: 'the web view is not built; run `make build`' });
    }
    reply.header('etag', asset.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    reply.type(asset.type).header('x-content-type-options', 'nosniff');
    if (name === 'index.html') {
      // The page loads only its own files (no CDN, no inline script).
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
      );
    }
    if (asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    }
    return reply.send(asset.body);
  };

  app.get('/', serve('index.html'));
  for (const name of assets.keys()) app.get(`/${name}`, serve(name));
}

function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(root)) return assets;
  for (const name of readdirSync(root)) {
    const file = join(root, name);
    if (!statSync(file).isFile()) continue;
    const body = readFileSync(file);
    const gzip = body.length >= GZIP_MIN_BYTES ? gzipSync(body) : null;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, gzip, type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', etag });
  }
  return assets;
}

/** The directory with package.json above this file: works from src/ (tests, tsx) and from dist/src/. */
function projectRoot(): string {
  const dir = findUp(import.meta.url, 'package.json');
  if (dir === undefined) throw new Error('web routes: no package.json above the server code');
  return dir;
}
