import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import { type Engine, type EngineArg, engineFor } from '../engine/registry.ts';
import type { Labels } from '../engine/types.ts';
import { isRefKind, routeRef } from './engine-refs.ts';
import { refreshLoaders } from './loaders/request-loaders.ts';
import { checkWritable, isTenant, type Kind, withoutObjectIds } from './tenancy.ts';

/**
 * Every write goes through here: pick the engine, act, and let nothing read before the write
 * answer after it (the re-read that follows sees the engine as it is now).
 */
export async function write<T>(
  ctx: Context,
  args: EngineArg,
  act: (engine: Engine) => Promise<T>,
): Promise<T> {
  try {
    return await act(engineFor(ctx, args));
  } catch (error) {
    throw withoutObjectIds(ctx.principal, error);
  } finally {
    refreshLoaders(ctx);
  }
}

/**
 * A write to one object. Its ref (global id, id prefix or name) is routed to its engine
 * (src/model/engine-refs.ts), then resolved once: the act names the full id,
 * so a rename or a second object matching the prefix cannot change what it acts on. That id is
 * the audit line's target, and what the principal's tenancy is checked on.
 */
export async function writeTo<I extends { Id: string }, T>(
  ctx: Context,
  args: EngineArg & { ref: string },
  target: {
    kind: Exclude<Kind, 'volume'>;
    inspect: (api: EngineApi, ref: string) => Promise<I>;
    labels: (object: I) => Labels | undefined;
  },
  act: (engine: Engine, id: string) => Promise<T>,
): Promise<{ engine: string; id: string; result: T }> {
  const routed = isRefKind(target.kind)
    ? await routeRef(ctx, target.kind, args, (engine, ref) =>
        target.inspect(engineFor(ctx, { engine }).api, ref).then(() => true),
      )
    : { engine: args.engine, ref: args.ref };
  return write(ctx, { engine: routed.engine }, async (engine) => {
    const object = await target.inspect(engine.api, routed.ref);
    if (isTenant(ctx.principal)) {
      checkWritable(ctx.principal, target.labels(object), { kind: target.kind, ref: args.ref });
    }
    const id = object.Id;
    auditTarget(engine.name, id);
    return { engine: engine.name, id, result: await act(engine, id) };
  });
}
