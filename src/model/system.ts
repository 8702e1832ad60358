import type { Context } from '../context.ts';
import { engineFor, enginesFor } from '../engine/registry.ts';
import type { SystemInfo, SystemVersion } from '../engine/types.ts';

/** An engine behind this Wharf, by its name. */
export interface EngineNode {
  name: string;
}

/** The engines the principal may use, in configured order: a restricted token sees only its own. */
export function visibleEngines(ctx: Context): EngineNode[] {
  return enginesFor(ctx).map((name) => ({ name }));
}

/**
 * The engine named `name`, or the default one (the principal's first when it may not use the
 * default). An engine the token may not use is answered as one that does not exist, so a
 * restricted token cannot tell the others' names.
 */
export function engineNamed(ctx: Context, name?: string | null): EngineNode {
  if (name === undefined || name === null) return { name: engineFor(ctx).name };
  enginesFor(ctx, [name]);
  return { name };
}

/** `docker version`, once per operation. */
export function engineVersion(ctx: Context, engine: EngineNode): Promise<SystemVersion> {
  return ctx.loaders.engineVersion.load(engine.name);
}

/** `docker info`, once per operation. */
export function engineInfo(ctx: Context, engine: EngineNode): Promise<SystemInfo> {
  return ctx.loaders.engineInfo.load(engine.name);
}

/** The API version Wharf negotiated with the engine, and the newest the engine speaks. */
export function negotiatedVersion(ctx: Context, engine: EngineNode) {
  const api = ctx.engines.api(engine.name);
  if (!api) throw new Error(`no engine named ${engine.name}`);
  return api.version();
}
