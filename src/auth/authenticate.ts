import { UnauthenticatedError } from '../engine/errors.ts';
import { LOCAL_PRINCIPAL, type Principal } from './principal.ts';
import type { TokenStore } from './tokens.ts';

/** Query parameters that carry a token elsewhere; a URL ends up in logs and browser history. */
const URL_TOKEN_PARAMS = ['token', 'access_token', 'authorization'];

export type Authentication =
  | { ok: true; principal: Principal }
  /** `missing`: no usable credentials (also a token in the URL); `bad`: a token nobody holds. */
  | { ok: false; reason: 'missing' | 'bad'; message: string };

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
      reason: 'missing',
      message: 'a token in the URL is refused; send it as "Authorization: Bearer <token>"',
    };
  }
  if (credentials.authorization === undefined || credentials.authorization === null) {
    return { ok: false, reason: 'missing', message: 'authentication required: Bearer token' };
  }
  const token =
    typeof credentials.authorization === 'string'
      ? /^Bearer +(\S+) *$/i.exec(credentials.authorization)?.[1]
      : undefined;
  if (token === undefined) {
    return { ok: false, reason: 'missing', message: 'authorization must be "Bearer <token>"' };
  }
  const principal = tokens.authenticate(token);
  return principal
    ? { ok: true, principal }
    : { ok: false, reason: 'bad', message: 'the token is not valid' };
}

/** HTTP and SSE: the `Authorization` header; refused is UNAUTHENTICATED (HTTP 401). */
export function requestPrincipal(tokens: TokenStore | undefined, request: Request): Principal {
  const result = authenticate(tokens, {
    url: request.url,
    authorization: request.headers.get('authorization') ?? undefined,
  });
  if (!result.ok) throw new UnauthenticatedError(result.message);
  return result.principal;
}
