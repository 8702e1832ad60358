import type { IncomingMessage, RequestListener } from 'node:http';
import type { Logger } from '../log.ts';
import type { BrowserPolicy } from './browser-policy.ts';
import { createHostCheck } from './host-check.ts';
import { createOriginCheck } from './origin-check.ts';
import { setSecurityHeaders } from './security-headers.ts';

export interface Refusal {
  status: 403 | 421;
  code: 'UNKNOWN_HOST' | 'FORBIDDEN_ORIGIN';
  message: string;
}

/** Decides, from the headers alone, whether a request (HTTP or WebSocket upgrade) may go on. */
export type RequestGuard = (req: IncomingMessage) => Refusal | undefined;

export function createRequestGuard(
  policy: BrowserPolicy,
  listenHost: () => string | undefined,
): RequestGuard {
  const hostAllowed = createHostCheck(policy.publicHosts, listenHost);
  const originAllowed = createOriginCheck(policy.corsOrigins);
  return ({ headers }) => {
    if (!hostAllowed(headers.host)) {
      return {
        status: 421,
        code: 'UNKNOWN_HOST',
        message: 'Wharf does not answer to this host name (see WHARF_PUBLIC_HOSTS)',
      };
    }
    if (!originAllowed(headers.origin, headers.host)) {
      return {
        status: 403,
        code: 'FORBIDDEN_ORIGIN',
        message: 'requests from this origin are refused (see WHARF_CORS_ORIGINS)',
      };
    }
    return undefined;
  };
}

/**
 * The same guard, with one `info` line per refusal (rate-limited per client by the logger): the
 * code and the client, never the refused Host or Origin, which are the attacker's text.
 */
export function loggingRefusals(guard: RequestGuard, logger: Logger): RequestGuard {
  return (req) => {
    const refusal = guard(req);
    if (refusal) {
      logger.info('request refused', {
        code: refusal.code,
        status: refusal.status,
        upgrade: req.headers.upgrade !== undefined,
        client: req.socket.remoteAddress,
      });
    }
    return refusal;
  };
}

/** Every HTTP route (GraphQL, GraphiQL, /healthz, /readyz): security headers, then the guard. */
export function guardHttp(guard: RequestGuard, next: RequestListener): RequestListener {
  return (req, res) => {
    setSecurityHeaders(res);
    const refusal = guard(req);
    if (!refusal) {
      next(req, res);
      return;
    }
    res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        errors: [{ message: refusal.message, extensions: { code: refusal.code } }],
      }),
    );
  };
}

/** ws `verifyClient`: a refused upgrade gets the same status, and never becomes a WebSocket. */
export function guardUpgrade(guard: RequestGuard) {
  return (
    info: { req: IncomingMessage },
    done: (ok: boolean, status?: number, message?: string) => void,
  ): void => {
    const refusal = guard(info.req);
    if (refusal) done(false, refusal.status, refusal.message);
    else done(true);
  };
}
