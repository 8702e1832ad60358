import { realpath } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * A host path as the kernel would follow it: `..` folded, then symlinks resolved on the longest
 * prefix that exists (the rest cannot be a link yet). Run on the host Wharf shares with the engine.
 */
export async function resolveHostPath(path: string): Promise<string> {
  const normal = posix.resolve('/', path);
  const rest: string[] = [];
  for (let prefix = normal; ; prefix = posix.dirname(prefix)) {
    try {
      return posix.join(await realpath(prefix), ...rest);
    } catch {
      if (prefix === '/') return normal;
      rest.unshift(posix.basename(prefix));
    }
  }
}

/** `path` is `dir` or inside it (by whole segments: /data2 is not inside /data). */
export function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}
