import type { Context } from '../context.ts';
import { type EngineArg, engineFor } from '../engine/registry.ts';
import type { SystemInfo, SystemVersion } from '../engine/types.ts';

/** An engine behind this Wharf, by its name. */
export interface EngineNode {
  name: string;
}

export function engineAt(ctx: Context, args: EngineArg = {}): EngineNode {
  return { name: engineFor(ctx, args).name };
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
