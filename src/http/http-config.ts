import { BadUserInputError } from '../engine/errors.ts';
import { type BrowserPolicy, DEFAULT_BROWSER_POLICY } from './browser-policy.ts';
import { isLoopbackName, listenHostName } from './host-check.ts';
import { isOrigin } from './origin-check.ts';

export interface HttpConfig extends BrowserPolicy {
  /**
   * `none`: serve without authentication on a non-loopback address, knowingly (WHARF_AUTH=none).
   * Unset: Wharf refuses to listen anywhere but loopback.
   */
  auth: 'none' | undefined;
}

type Env = Record<string, string | undefined>;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new BadUserInputError(`${name}=${value} must be true or false`);
}

export function isLoopbackListen(host: string): boolean {
  return isLoopbackName(listenHostName(host));
}

/**
 * WHARF_PUBLIC_HOSTS, WHARF_CORS_*, WHARF_GRAPHIQL and WHARF_AUTH, checked against the listen
 * host. With tokens (WHARF_TOKENS_FILE) every request authenticates, so any address is fine.
 */
export function loadHttpConfig(
  env: Env,
  listen: { host: string; port: number },
  withTokens = false,
): HttpConfig {
  const publicHosts = list(env.WHARF_PUBLIC_HOSTS);
  for (const host of publicHosts) {
    if (listenHostName(host) !== host.toLowerCase()) {
      throw new BadUserInputError(
        `WHARF_PUBLIC_HOSTS entry "${host}" must be a host name or IP address, without scheme or port`,
      );
    }
  }
  const corsOrigins = list(env.WHARF_CORS_ORIGINS);
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) {
      throw new BadUserInputError(
        `WHARF_CORS_ORIGINS entry "${origin}" must be an origin like https://app.example.com:8443 (no path, no trailing slash)`,
      );
    }
  }
  const auth = env.WHARF_AUTH || undefined;
  if (auth !== undefined && auth !== 'none') {
    throw new BadUserInputError(`WHARF_AUTH=${auth}: the only value is "none"`);
  }
  if (!isLoopbackListen(listen.host) && auth !== 'none' && !withTokens) {
    throw new BadUserInputError(
      `refusing to listen on ${listen.host}: it is not a loopback address, and whoever reaches Wharf ` +
        'controls the Docker Engine, which is root on this host. Set WHARF_TOKENS_FILE so every ' +
        'request needs a token, or listen on 127.0.0.1 (the default) behind an authenticating ' +
        'proxy, or set WHARF_AUTH=none to serve without authentication anyway',
    );
  }
  return {
    publicHosts,
    corsOrigins,
    corsCredentials: flag(
      'WHARF_CORS_CREDENTIALS',
      env.WHARF_CORS_CREDENTIALS,
      DEFAULT_BROWSER_POLICY.corsCredentials,
    ),
    graphiql: flag('WHARF_GRAPHIQL', env.WHARF_GRAPHIQL, DEFAULT_BROWSER_POLICY.graphiql),
    ui: flag('WHARF_UI', env.WHARF_UI, DEFAULT_BROWSER_POLICY.ui),
    auth,
  };
}
