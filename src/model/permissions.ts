import { hasRole, type Principal } from '../auth/principal.ts';
import type { Context } from '../context.ts';
import { enginesFor } from '../engine/registry.ts';
import type { Labels } from '../engine/types.ts';
import { ownedBy } from './tenancy.ts';

/** What a client may ask of one container; the mutations' own checks decide the same way. */
export const CONTAINER_ACTIONS = [
  'START',
  'STOP',
  'RESTART',
  'KILL',
  'PAUSE',
  'UNPAUSE',
  'REMOVE',
  /** Exec and attach as a non-root user; as root too for admin (rule exec.user-root). */
  'EXEC',
] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/**
 * The actions this principal may take on a container with these labels: its role's, and for a
 * tenant only on its own containers (a shared one is read-only). A client asks instead of
 * guessing; the state (running or not) is the client's to combine.
 */
export function containerActions(principal: Principal, labels: Labels): ContainerAction[] {
  // Every container write is operator's (README, Roles).
  if (!hasRole(principal, 'operator') || !ownedBy(principal, labels)) return [];
  return [...CONTAINER_ACTIONS];
}

/** Who is asking, as a client may show it: never the token itself. */
export function whoAmI(ctx: Context) {
  const { principal } = ctx;
  return {
    name: principal.name,
    role: principal.role,
    labels: [...principal.labels],
    engines: enginesFor(ctx),
  };
}
