import type { Principal } from '../auth/principal.ts';

/** Who may read /metrics on the GraphQL port: admin, or a token with `"metrics": true`. */
export function mayReadMetrics(principal: Principal): boolean {
  return principal.role === 'admin' || (principal.kind === 'token' && principal.metrics === true);
}
