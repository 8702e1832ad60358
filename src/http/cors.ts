import type { YogaServerOptions } from 'graphql-yoga';
import { type BrowserPolicy, CSRF_HEADER } from './browser-policy.ts';

type CorsOption = YogaServerOptions<object, object>['cors'];

/**
 * CORS for the listed origins only, each echoed exactly; credentials only when configured (yoga
 * would send `Access-Control-Allow-Credentials: true` by default). Nothing is listed by default,
 * so CORS is off. Other origins never get here: the request guard refuses them first.
 */
export function corsFor({ corsOrigins, corsCredentials }: BrowserPolicy): CorsOption {
  if (corsOrigins.length === 0) return false;
  const allowed = new Set(corsOrigins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: corsCredentials,
      methods: ['GET', 'POST'],
      // `authorization` carries the Bearer token (WHARF_TOKENS_FILE).
      allowedHeaders: ['content-type', 'accept', 'authorization', CSRF_HEADER],
    };
  };
}
