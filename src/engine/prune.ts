import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineApi } from './api.ts';
import { currentCallScope } from './call-scope.ts';
import { EngineConflictError } from './errors.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';

const BUSY = /prune operation is already running/;
/** About 10 s of waiting in all, well inside the call deadline of the operation. */
const TRIES = 14;

/**
 * `POST /<kind>/prune`. The engine runs one prune of a kind at a time and answers another 409 "a
 * prune operation is already running"; a client asking to prune wants it done, so Wharf waits for
 * the other one and asks again (each try is an engine call of the operation, under its budget).
 */
export async function prune<T>(
  api: EngineApi,
  kind: 'containers' | 'images' | 'networks' | 'volumes',
  filters: EngineFilters | undefined,
): Promise<T> {
  for (let attempt = 1, delay = 50; ; attempt += 1, delay = Math.min(delay * 2, 1_000)) {
    try {
      return await api.json<T>('POST', `/${kind}/prune`, {
        query: { filters: encodeFilters(filters) },
      });
    } catch (error) {
      const busy = error instanceof EngineConflictError && BUSY.test(error.message);
      if (!busy || attempt === TRIES) throw error;
    }
    await sleep(delay, undefined, { signal: currentCallScope()?.signal });
  }
}
