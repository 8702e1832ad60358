import type { EngineApi } from '../api.ts';
import type { HttpMethod, RequestOptions } from '../transport.ts';
import type { EngineState } from './engine-state.ts';
import { answerFromState, findContainer, findNetwork, MISS } from './state-reads.ts';

/** Container sub-resources whose writes change nothing the cache holds. */
const INERT_CONTAINER_WRITES = new Set(['exec', 'attach', 'resize', 'archive', 'wait', 'logs']);

/**
 * The engine's API with the state cache in front: reads it holds are answered from memory (no
 * engine call, so no call-scope charge either), everything else goes to the engine. A write
 * through Wharf re-reads what it touched before it answers, so the next read sees it.
 */
export function cachedApi(api: EngineApi, state: EngineState): EngineApi {
  async function afterWrite(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    result: unknown,
  ) {
    const [, resource, ref, action] = path.split('/');
    const created = (result as { Id?: string; Name?: string } | undefined) ?? {};
    switch (resource) {
      case 'containers': {
        if (ref === 'create') return created.Id && state.refresh('container', created.Id);
        if (ref === 'prune') return state.refreshAll('container');
        if (!ref || (action && INERT_CONTAINER_WRITES.has(action))) return;
        const held = findContainer(state, ref);
        if (!held) return;
        // A removed or stopped container leaves its networks (and a `v=1` its anonymous volumes).
        await Promise.all([
          state.refresh('container', held.inspect.Id),
          ...Object.values(held.inspect.NetworkSettings.Networks ?? {}).map(
            (endpoint) => endpoint.NetworkID && state.refresh('network', endpoint.NetworkID),
          ),
          ...(method === 'DELETE'
            ? held.inspect.Mounts.flatMap((mount) =>
                mount.Type === 'volume' && mount.Name ? [state.refresh('volume', mount.Name)] : [],
              )
            : []),
        ]);
        return;
      }
      case 'networks': {
        if (ref === 'create') return created.Id && state.refresh('network', created.Id);
        if (ref === 'prune') return state.refreshAll('network');
        const network = ref && findNetwork(state, ref);
        const container = (options.body as { Container?: string } | undefined)?.Container;
        const attached = container ? findContainer(state, container) : undefined;
        await Promise.all([
          network && state.refresh('network', network.Id),
          attached && state.refresh('container', attached.inspect.Id),
        ]);
        return;
      }
      case 'volumes':
        if (ref === 'create') return created.Name && state.refresh('volume', created.Name);
        if (ref === 'prune') return state.refreshAll('volume');
        return ref && state.refresh('volume', ref);
      case 'images':
      case 'build':
      case 'commit':
        return state.refresh('image', '');
    }
  }

  async function written<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    result: T,
  ): Promise<T> {
    if (state.status !== 'stopped') await afterWrite(method, path, options, result);
    return result;
  }

  return {
    engine: api.engine,
    version: () => api.version(),
    async json<T>(method: HttpMethod, path: string, options: RequestOptions = {}) {
      if (method === 'GET') {
        // A read never answers from before an event Wharf has received: it waits for the re-read.
        if (state.status === 'ready' && state.busy) await state.current();
        if (state.status === 'ready') {
          const answer = answerFromState(state, path, options.query);
          if (answer !== MISS) return answer as T;
        }
        return api.json<T>(method, path, options);
      }
      return written(method, path, options, await api.json<T>(method, path, options));
    },
    async call(method, path, options = {}) {
      const response = await api.call(method, path, options);
      return method === 'GET' ? response : written(method, path, options, response);
    },
    stream: (method, path, options) => api.stream(method, path, options),
    hijack: (path, options) => api.hijack(path, options),
    ping: (signal) => api.ping(signal),
  };
}
