import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest directory at or above `from` that holds `marker` (a relative path such as `package.json` or
 * `p4/proto/p4/v1/p4runtime.proto`), or undefined when none does up to the file-system root, or within the
 * first `maxDirs` directories looked at (`from` itself counts as the first).
 *
 * `from` is a directory, or a module's `file:` URL (`import.meta.url`), whose directory is where the search
 * starts: project files are found the same way from src/ (tests, tsx) and from the build output (dist/src/).
 */
export function findUp(from: string, marker: string, maxDirs = Number.POSITIVE_INFINITY): string | undefined {
  let dir = from.startsWith('file:') ? dirname(fileURLToPath(from)) : resolve(from);
  for (let looked = 0; looked < maxDirs; looked++) {
    if (existsSync(join(dir, marker))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}
