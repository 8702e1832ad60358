import type { Plugin } from 'graphql-yoga';
import { type AuditSink, auditRefusal } from '../audit.ts';
import { UnauthenticatedError } from '../engine/errors.ts';
import { LOCAL_PRINCIPAL, type Principal } from './principal.ts';
import type { TokenStore } from './tokens.ts';

/** Query parameters that carry a token elsewhere; a URL ends up in logs and browser history. */
const URL_TOKEN_PARAMS = ['token', 'access_token', 'authorization'];

/**
 * Why credentials were refused, as the audit line's rule: `auth.missing` (none, or not
 * `Bearer <token>`), `auth.invalid` (a token nobody holds), `auth.token-in-url`.
 */
export type AuthRule = 'auth.missing' | 'auth.invalid' | 'auth.token-in-url';

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; rule: AuthRule; message: string };

/**
 * Who presents these credentials. `authorization` is the `Authorization` header (HTTP, SSE) or
 * the `authorization` field of graphql-ws's connection_init payload: `Bearer <token>`. Without a
 * tokens file everyone is the local admin, as before tokens existed.
 */
export function authenticate(
  tokens: TokenStore | undefined,
  credentials: { url: string | undefined; authorization: unknown },
): Authentication {
  if (!tokens) return { ok: true, principal: LOCAL_PRINCIPAL };
  const query = new URL(credentials.url ?? '/', 'http://wharf').searchParams;
  if (URL_TOKEN_PARAMS.some((name) => query.has(name))) {
    return {
      ok: false,
      rule: 'auth.token-in-url',
      message: 'a token in the URL is refused; send it as "Authorization: Bearer <token>"',
    };
  }
  if (credentials.authorization === undefined || credentials.authorization === null) {
    return { ok: false, rule: 'auth.missing', message: 'authentication required: Bearer token' };
  }
  const token =
    typeof credentials.authorization === 'string'
      ? /^Bearer +(\S+) *$/i.exec(credentials.authorization)?.[1]
      : undefined;
  if (token === undefined) {
    return { ok: false, rule: 'auth.missing', message: 'authorization must be "Bearer <token>"' };
  }
  const principal = tokens.authenticate(token);
  return principal
    ? { ok: true, principal }
    : { ok: false, rule: 'auth.invalid', message: 'the token is not valid' };
}

/**
 * HTTP and SSE: the `Authorization` header decides the request's principal before its body is
 * read, so a refused caller learns nothing of the schema (no parse or validation errors); refused
 * is UNAUTHENTICATED (HTTP 401) and one audit line. The context factory reads `principal`.
 */
export function useBearerToken(
  tokens: TokenStore | undefined,
  audit: AuditSink,
): Plugin<Record<string, never>, { principal?: Principal }> {
  return {
    onRequestParse({ request, serverContext }) {
      const result = authenticate(tokens, {
        url: request.url,
        authorization: request.headers.get('authorization') ?? undefined,
      });
      if (!result.ok) {
        auditRefusal(audit, result.rule, 'http');
        throw new UnauthenticatedError(result.message);
      }
      serverContext.principal = result.principal;
    },
  };
}
