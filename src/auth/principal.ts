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
    };

export const LOCAL_PRINCIPAL: Principal = {
  kind: 'local',
  name: 'local',
  role: 'admin',
  labels: [],
};

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether the principal's role includes `role`. */
export function hasRole(principal: Principal, role: Role): boolean {
  return RANK[principal.role] >= RANK[role];
}
