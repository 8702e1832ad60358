import { parseTokens, type TokenEntry, TokenStore } from '../../src/auth/tokens.ts';

/** Tokens for the security tests: one per role, and a second operator for the exec owner check. */
export const TOKENS = {
  viewer: 'viewer-0123456789abcdef',
  operator: 'operator-0123456789abcdef',
  operator2: 'operator2-0123456789abcdef',
  admin: 'admin-0123456789abcdef',
} as const;

/** TOKENS as tokens file entries (names dash, ci, ci2, root). */
export function tokenEntries(): TokenEntry[] {
  return parseTokens(
    JSON.stringify([
      { name: 'dash', role: 'viewer', token: TOKENS.viewer },
      { name: 'ci', role: 'operator', token: TOKENS.operator },
      { name: 'ci2', role: 'operator', token: TOKENS.operator2 },
      { name: 'root', role: 'admin', token: TOKENS.admin },
    ]),
  );
}

export function tokenStore(): TokenStore {
  return new TokenStore(tokenEntries());
}
