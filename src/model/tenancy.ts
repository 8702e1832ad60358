import type { Principal } from '../auth/principal.ts';
import { EngineConflictError, EngineNotFoundError, ForbiddenError } from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';

type Labels = Readonly<Record<string, string>> | null | undefined;

/** Labels under this prefix are Wharf's own: no client sets them through a tenant token. */
const RESERVED = 'org.wharf.';

function split(label: string): [string, string] {
  const eq = label.indexOf('=');
  return [label.slice(0, eq), label.slice(eq + 1)];
}

function carriesAll(principal: Principal, labels: Labels): boolean {
  return principal.labels.every((label) => {
    const [key, value] = split(label);
    return labels?.[key] === value;
  });
}

function carriesNoKey(principal: Principal, labels: Labels): boolean {
  return principal.labels.every((label) => labels?.[split(label)[0]] === undefined);
}

/** Whether the object is the principal's own (all of its labels); a shared one is not. */
export function ownedBy(principal: Principal, labels: Labels): boolean {
  return carriesAll(principal, labels);
}

/** A principal with labels: the checks below cost it engine calls others do not make. */
export function isTenant(principal: Principal): boolean {
  return principal.labels.length > 0;
}

/**
 * Whether the principal may see an object with these labels: its own (all of its labels), or a
 * shared one (none of its label keys, like the default networks). Another tenant's is invisible.
 */
export function visibleTo(principal: Principal, labels: Labels): boolean {
  return carriesAll(principal, labels) || carriesNoKey(principal, labels);
}

export type Kind = 'container' | 'image' | 'network' | 'volume' | 'service' | 'secret' | 'config';

/** The engine's own words for a missing object, so another tenant's reads the same. */
const MISSING: Record<Kind, (ref: string) => string> = {
  container: (ref) => `No such container: ${ref}`,
  image: (ref) => `No such image: ${ref}`,
  network: (ref) => `network ${ref} not found`,
  volume: (ref) => `get ${ref}: no such volume`,
  service: (ref) => `service ${ref} not found`,
  secret: (ref) => `secret ${ref} not found`,
  config: (ref) => `config ${ref} not found`,
};

/**
 * Before a write to an object: another tenant's answers exactly like a missing one (so ids and
 * names cannot be probed), a shared one is read-only.
 */
export function checkWritable(
  principal: Principal,
  labels: Labels,
  target: { kind: Kind; ref: string },
): void {
  if (carriesAll(principal, labels)) return;
  if (!carriesNoKey(principal, labels))
    throw new EngineNotFoundError(MISSING[target.kind](target.ref));
  throw new ForbiddenError(
    'tenancy.scope',
    `${target.kind} ${target.ref} is shared: read-only for this token`,
  );
}

const CONTAINER_NAME_TAKEN = /The container name "\/?([^"]*)" is already in use/;
/** A volume in use lists its users: `remove v: volume is in use - [<id>, …]`. */
const USER_LIST = / - \[[^\]]*\]$/;
const OBJECT_ID = /\b(sha256:)?[0-9a-f]{12,64}\b/g;

/**
 * The engine's conflicts name the object in the way (`…is already in use by container "<id>"`,
 * `…is being used by running container <id>`), which may be another tenant's: a tenant gets the
 * conflict without object ids. Other errors pass unchanged.
 */
export function withoutObjectIds(principal: Principal, error: unknown): unknown {
  if (!isTenant(principal) || !(error instanceof EngineConflictError)) return error;
  const name = CONTAINER_NAME_TAKEN.exec(error.message)?.[1];
  const message =
    name === undefined
      ? error.message.replace(USER_LIST, '').replace(OBJECT_ID, '<id>')
      : `the container name "${name}" is already in use`;
  return new EngineConflictError(message, { cause: error });
}

/** An event is delivered to a tenant only when its actor's attributes carry all its labels. */
export function eventVisibleTo(principal: Principal, attributes: Labels): boolean {
  return carriesAll(principal, attributes);
}

/**
 * The labels a create sets: the client's, plus the tenant's. A tenant cannot set Wharf's reserved
 * labels nor give a tenant key another value (which would hand the object to another tenant).
 */
export function stampLabels(
  principal: Principal,
  input: Labels,
): Record<string, string> | undefined {
  if (principal.labels.length === 0) return input ? { ...input } : undefined;
  const own = Object.fromEntries(principal.labels.map(split));
  for (const [key, value] of Object.entries(input ?? {})) {
    if (key.startsWith(RESERVED)) {
      throw new ForbiddenError('tenancy.labels', `label ${key} is reserved`);
    }
    if (key in own && own[key] !== value) {
      throw new ForbiddenError('tenancy.labels', `label ${key} is set by your token`);
    }
  }
  return { ...input, ...own };
}

/** Labels a tenant's create may carry over from an object of its own: all but Wharf's reserved. */
export function carriedLabels(
  principal: Principal,
  labels: Record<string, string> | null,
): Record<string, string> | null {
  if (principal.labels.length === 0 || !labels) return labels;
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !key.startsWith(RESERVED)));
}

/** A prune's filters, narrowed to the tenant's own objects. */
export function tenantFilters(
  principal: Principal,
  filters: EngineFilters | undefined,
): EngineFilters | undefined {
  if (principal.labels.length === 0) return filters;
  return { ...filters, label: [...(filters?.label ?? []), ...principal.labels] };
}

/** Loader answers with what the principal may not see answering as missing (null). */
export function visibleResults<T>(principal: Principal, labelsOf: (item: T) => Labels) {
  return (results: readonly (T | null | Error)[]): (T | null | Error)[] =>
    !isTenant(principal)
      ? [...results]
      : results.map((result) =>
          result instanceof Error || result === null || visibleTo(principal, labelsOf(result))
            ? result
            : null,
        );
}

/** Only the items the principal may see. */
export function visibleItems<T>(
  principal: Principal,
  items: readonly T[],
  labelsOf: (item: T) => Labels,
): T[] {
  if (principal.labels.length === 0) return [...items];
  return items.filter((item) => visibleTo(principal, labelsOf(item)));
}
