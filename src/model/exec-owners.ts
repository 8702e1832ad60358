import { hasRole, type Principal } from '../auth/principal.ts';
import { ForbiddenError } from '../engine/errors.ts';
import { toKey } from './loaders/keys.ts';

/**
 * Who created each exec (engine/id → principal name). An exec id travels in events and logs,
 * so knowing one must not be enough to type into someone else's shell.
 */
const owners = new Map<string, string>();

/**
 * Execs created but never attached would pile up; the oldest are forgotten past this many. A
 * forgotten exec is then treated like one created outside Wharf: admin only.
 */
const MAX_OWNERS = 10_000;

function ownerName(principal: Principal): string {
  return `${principal.kind}:${principal.name}`;
}

export function recordExecOwner(principal: Principal, engine: string, id: string): void {
  const key = toKey(engine, id);
  owners.delete(key);
  owners.set(key, ownerName(principal));
  if (owners.size > MAX_OWNERS) {
    const oldest = owners.keys().next().value;
    if (oldest !== undefined) owners.delete(oldest);
  }
}

/**
 * execAttach, execInput and execResize: only the principal that created the exec. One this
 * Wharf did not create (the docker CLI's, or from before a restart) is admin's only.
 */
export function checkExecOwner(principal: Principal, engine: string, id: string): void {
  const owner = owners.get(toKey(engine, id));
  if (owner === undefined ? hasRole(principal, 'admin') : owner === ownerName(principal)) return;
  // The record is this process's: behind a load balancer the creator may be asking the wrong one.
  throw new ForbiddenError(
    'exec.owner',
    owner === undefined
      ? 'this exec was not created through this Wharf instance (another instance, the docker CLI, or before a restart): only admin may use it here'
      : 'only the principal that created this exec may use it',
  );
}
