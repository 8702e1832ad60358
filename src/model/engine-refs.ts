import type { Context } from '../context.ts';
import { EngineNotFoundError, WharfError } from '../engine/errors.ts';
import { containerRef, imageRef, networkRef, swarmRef, volumeName } from '../engine/refs.ts';
import { type EngineArg, engineFor, enginesFor } from '../engine/registry.ts';
import { parseKey } from './loaders/keys.ts';

/** The node types a ref may be given for as a global id. */
const TYPENAMES = {
  container: 'Container',
  image: 'Image',
  network: 'Network',
  volume: 'Volume',
} as const;

export type RefKind = keyof typeof TYPENAMES;

export function isRefKind(kind: string): kind is RefKind {
  return Object.hasOwn(TYPENAMES, kind);
}

/** Where a ref points: the engine, and what to ask it (the docker id for a global id). */
export interface EngineRef {
  engine: string;
  ref: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A global id of `typename` (`base64("Container:<engine>/<id>")`) as the engine and id it carries. */
export function decodeGlobal(typename: string, ref: string): EngineRef | undefined {
  if (!BASE64.test(ref)) return undefined;
  const prefix = `${typename}:`;
  const text = Buffer.from(ref, 'base64').toString('utf8');
  if (!text.startsWith(prefix)) return undefined;
  const { engine, id } = parseKey(text.slice(prefix.length));
  return engine && id ? { engine, ref: id } : undefined;
}

const globalRef = (kind: RefKind, ref: string) => decodeGlobal(TYPENAMES[kind], ref);

export function checkSameEngine(global: EngineRef, engine: string | null | undefined): void {
  if (engine && engine !== global.engine) {
    throw new WharfError(
      'BAD_USER_INPUT',
      `the global id names engine "${global.engine}", not "${engine}"`,
    );
  }
}

/**
 * The engine a ref names. A global id carries its engine (an `engine` that disagrees is bad
 * input); otherwise `engine` picks it. With neither, and several engines this principal may use,
 * each is asked whether the name or prefix matches there: one match routes to it, several are
 * AMBIGUOUS_REF naming the engines, none leaves it to the default engine (whose 404 answers).
 * An engine that cannot be reached is not asked: the others still route.
 */
export async function routeRef(
  ctx: Context,
  kind: RefKind,
  args: EngineArg & { ref: string },
  matches: (engine: string, ref: string) => Promise<boolean>,
): Promise<EngineRef> {
  const global = globalRef(kind, args.ref);
  if (global) {
    checkSameEngine(global, args.engine);
    return { engine: engineFor(ctx, { engine: global.engine }).name, ref: global.ref };
  }
  const usable = enginesFor(ctx, args.engine ? [args.engine] : undefined);
  if (args.engine || usable.length <= 1)
    return { engine: engineFor(ctx, args).name, ref: args.ref };
  const found = await Promise.all(
    usable.map((engine) => matches(engine, args.ref).catch((error) => skipDown(error))),
  );
  const where = usable.filter((_, index) => found[index]);
  if (where.length > 1) {
    throw new WharfError(
      'AMBIGUOUS_REF',
      `${kind} "${args.ref}" matches on engines ${where.join(', ')}: pass \`engine\` or a global id`,
      { facts: { engines: where.join(',') } },
    );
  }
  return { engine: where[0] ?? engineFor(ctx).name, ref: args.ref };
}

function skipDown(error: unknown): false {
  if (error instanceof EngineNotFoundError) return false;
  if (error instanceof WharfError && error.code === 'ENGINE_UNAVAILABLE') return false;
  throw error;
}

const CHECKS: Record<RefKind, (ref: string) => string> = {
  container: containerRef,
  image: imageRef,
  network: networkRef,
  volume: volumeName,
};

/**
 * A ref checked as the engine's paths take it (a global id as the id it carries): bad input is
 * refused before anything is read, the state cache included, which would answer NOT_FOUND.
 */
export function checkedRef(kind: RefKind, ref: string): string {
  CHECKS[kind](globalRef(kind, ref)?.ref ?? ref);
  return ref;
}

/**
 * A second ref of a write on one engine (the container a network connects): a global id must
 * name that engine; a name or prefix is asked there.
 */
export function refOn(kind: RefKind, engine: string, ref: string): string {
  const global = globalRef(kind, checkedRef(kind, ref));
  if (!global) return ref;
  if (global.engine !== engine) {
    throw new WharfError(
      'BAD_USER_INPUT',
      `the ${kind} is on engine "${global.engine}", not "${engine}"`,
    );
  }
  return global.ref;
}

const SWARM_TYPENAMES = {
  service: 'Service',
  node: 'SwarmNode',
  secret: 'Secret',
  config: 'Config',
} as const;

/**
 * A swarm object's ref: a global id names the manager it was read from; a name, id or prefix is
 * checked and asked of the engine `engine` names (or the default one).
 */
export function swarmTarget(
  kind: keyof typeof SWARM_TYPENAMES,
  args: EngineArg & { ref: string },
): EngineArg & { ref: string } {
  const global = decodeGlobal(SWARM_TYPENAMES[kind], args.ref);
  if (!global) return { engine: args.engine, ref: swarmRef(kind, args.ref) };
  checkSameEngine(global, args.engine);
  return global;
}
