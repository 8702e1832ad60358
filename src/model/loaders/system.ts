import type { Principal } from '../../auth/principal.ts';
import { outsideCallScope } from '../../engine/call-scope.ts';
import { listContainers } from '../../engine/containers.ts';
import { listImages } from '../../engine/images.ts';
import type { EngineRegistry } from '../../engine/registry.ts';
import { dataUsage, engineInfo, engineVersion } from '../../engine/system.ts';
import type { SystemDataUsage, SystemInfo, SystemVersion } from '../../engine/types.ts';
import { isTenant, visibleItems } from '../tenancy.ts';

async function perEngine<T>(
  engines: EngineRegistry,
  names: readonly string[],
  call: (api: NonNullable<ReturnType<EngineRegistry['api']>>) => Promise<T>,
): Promise<(T | Error)[]> {
  return Promise.all(
    names.map(async (name) => {
      const api = engines.api(name);
      if (!api) return new Error(`no engine named ${name}`);
      try {
        return await call(api);
      } catch (error) {
        return error as Error;
      }
    }),
  );
}

/** Per engine client: the disk walk running, and the one that follows it for who asked since. */
interface Walks {
  running: Promise<SystemDataUsage> | undefined;
  next: Promise<SystemDataUsage> | undefined;
}
const walks = new WeakMap<object, Walks>();

/**
 * One disk walk per engine at a time, whoever asks: a reader arriving while one runs shares the
 * next walk (started after it asked, so it sees its own writes) with everyone else who arrived
 * meanwhile. However many clients ask, an engine walks at most twice per walk's duration. The
 * shared walk runs outside any reader's call scope: one reader leaving does not fail the others.
 */
function sharedWalk(owner: object, walk: () => Promise<SystemDataUsage>) {
  let state = walks.get(owner);
  if (!state) {
    state = { running: undefined, next: undefined };
    walks.set(owner, state);
  }
  const walking = state;
  const start = (): Promise<SystemDataUsage> => {
    const running = outsideCallScope(walk).finally(() => {
      if (walking.running === running) walking.running = undefined;
    });
    walking.running = running;
    return running;
  };
  if (!walking.running) return start();
  const settled = () => {
    walking.next = undefined;
    return start();
  };
  walking.next ??= walking.running.then(settled, settled);
  return walking.next;
}

/** `/system/df`, the engine's whole disk walk: once per engine and request, whoever reads it. */
export function loadDataUsages(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<SystemDataUsage>(engines, names, (api) =>
    sharedWalk(engines.client(api.engine) ?? api, () => dataUsage(api)),
  );
}

export function loadEngineVersions(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<SystemVersion>(engines, names, engineVersion);
}

/**
 * `docker info`. Its counts are the engine's, other tenants' objects included: a tenant gets
 * counts of what it sees (two list calls more).
 */
export function loadEngineInfos(
  engines: EngineRegistry,
  names: readonly string[],
  principal: Principal,
) {
  return perEngine<SystemInfo>(engines, names, async (api) => {
    if (!isTenant(principal)) return engineInfo(api);
    const [info, containers, images] = await Promise.all([
      engineInfo(api),
      listContainers(api, { all: true }),
      listImages(api, { all: true }),
    ]);
    const visible = visibleItems(principal, containers, (container) => container.Labels);
    const inState = (state: string) => visible.filter((c) => c.State === state).length;
    const running = inState('running') + inState('restarting');
    const paused = inState('paused');
    return {
      ...info,
      Containers: visible.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: visible.length - running - paused,
      Images: visibleItems(principal, images, (image) => image.Labels).length,
    };
  });
}
