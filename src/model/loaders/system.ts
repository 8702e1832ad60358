import type { EngineRegistry } from '../../engine/registry.ts';
import { engineInfo, engineVersion } from '../../engine/system.ts';
import type { SystemInfo, SystemVersion } from '../../engine/types.ts';

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

export function loadEngineVersions(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<SystemVersion>(engines, names, engineVersion);
}

export function loadEngineInfos(engines: EngineRegistry, names: readonly string[]) {
  return perEngine<SystemInfo>(engines, names, engineInfo);
}
