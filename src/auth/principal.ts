/** What a token may do: each role includes the one before it. */
export type Role = 'viewer' | 'operator' | 'admin';

/**
 * Who is asking; every transport (HTTP, SSE, WebSocket) sets it when the context is built.
 * Without a tokens file Wharf serves loopback only (or an explicit WHARF_AUTH=none), and whoever
 * reaches it is the `local` admin, as before tokens existed.
 */
export type Principal =
  | { kind: 'local'; name: 'local'; role: 'admin'; labels: readonly [] }
  | {
      kind: 'token';
      /** The token's name in the tokens file: what audit lines and owner checks use. */
      name: string;
      role: Role;
      /** `key=value` labels: a token with labels sees and acts only on objects that carry them all. */
      labels: readonly string[];
      /** The engines the token may use (`"engines"` in the tokens file); undefined = all of them. */
      engines?: readonly string[];
      /** May read /metrics (`"metrics": true` in the tokens file); admin may anyway. */
      metrics?: boolean;
    };

export const LOCAL_PRINCIPAL: Principal = {
  kind: 'local',
  name: 'local',
  role: 'admin',
  labels: [],
};

/**
 * Whoever was refused before any principal was known (no token, a bad one, a token in the URL):
 * only audit lines name it. It is not a Principal and has no role, so no context can hold it and
 * `hasRole` cannot be asked about it: the type checker keeps it out of every authorization path.
 */
export const ANONYMOUS = { kind: 'anonymous', name: 'anonymous', role: null, labels: [] } as const;

/** Who an audit line is about: a principal, or the anonymous caller refused at the door. */
export type Actor = Principal | typeof ANONYMOUS;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether the principal's role includes `role`. */
export function hasRole(principal: Principal, role: Role): boolean {
  return RANK[principal.role] >= RANK[role];
}
