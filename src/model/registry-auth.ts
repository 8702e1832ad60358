import { hasRole } from '../auth/principal.ts';
import type { Context } from '../context.ts';
import { HUB_SERVER } from '../credentials/docker-config.ts';
import { BadUserInputError, ForbiddenError } from '../engine/errors.ts';
import { DOCKER_HUB, registryOf } from '../engine/refs.ts';
import type { RegistryAuth } from '../engine/registry-auth.ts';

/** Credentials a client gives for one pull or push instead of Wharf's own. */
export interface ClientRegistryAuth {
  username?: string | null;
  password?: string | null;
  identityToken?: string | null;
}

/**
 * The credentials a pull, push or service of `ref` sends to its registry: Wharf's own for that
 * registry (WHARF_REGISTRY_AUTH_FILE, then the docker CLI's config), or the client's when it gave
 * some, which only admin may (anyone else could make the engine log in anywhere as anyone, and
 * the engine keeps a service's credentials). Neither is ever logged or answered.
 */
export async function registryAuthFor(
  ctx: Context,
  ref: string,
  given?: ClientRegistryAuth | null,
): Promise<RegistryAuth | undefined> {
  const registry = registryOf(ref);
  if (!given) return ctx.credentials.lookup(registry);
  if (!hasRole(ctx.principal, 'admin')) {
    throw new ForbiddenError(
      'registry.client-credentials',
      'only admin may send registry credentials; the others use the ones Wharf is configured with',
    );
  }
  const serveraddress = registry === DOCKER_HUB ? HUB_SERVER : registry;
  const { username, password, identityToken } = given;
  if (identityToken && !username && !password)
    return { identitytoken: identityToken, serveraddress };
  if (username && password && !identityToken) return { username, password, serveraddress };
  throw new BadUserInputError(
    'registry credentials are a username and password, or an identity token',
  );
}
