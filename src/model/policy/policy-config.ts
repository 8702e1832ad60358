import { BadUserInputError } from '../../engine/errors.ts';
import { DOCKER_HUB } from '../../engine/refs.ts';

/** What the create policy lets everyone but admin do (README, Security: the create policy). */
export interface PolicyConfig {
  /** WHARF_BIND_ALLOW: host path prefixes bind mounts may name; none by default. */
  bindAllow: readonly string[];
  /** WHARF_REGISTRY_ALLOW: registry hosts (`host` or `host:port`) pulls may reach. */
  registryAllow: readonly string[];
  /** WHARF_DENY_ROOT_USER: refuse `user` 0 or root on containerCreate. */
  denyRootUser: boolean;
  /** Never bindable, whatever bindAllow says: the standard ones and the engines' sockets. */
  dockerSockets: readonly string[];
  /** WHARF_LOG_DRIVER_ALLOW: log drivers a container may name (others can ship logs off-host). */
  logDriverAllow: readonly string[];
}

const STANDARD_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/** The drivers that keep logs on the engine's host (or keep none). */
const LOCAL_LOG_DRIVERS = ['json-file', 'local', 'none'];

export const DEFAULT_POLICY: PolicyConfig = {
  bindAllow: [],
  registryAllow: [DOCKER_HUB],
  denyRootUser: false,
  dockerSockets: STANDARD_SOCKETS,
  logDriverAllow: LOCAL_LOG_DRIVERS,
};

function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new BadUserInputError(`${name}=${value} must be true or false`);
}

/** The policy from the environment; `engineSockets`: the unix sockets of the engines served. */
export function loadPolicyConfig(
  env: Record<string, string | undefined>,
  engineSockets: readonly string[],
): PolicyConfig {
  const bindAllow = commaList(env.WHARF_BIND_ALLOW) ?? [];
  for (const prefix of bindAllow) {
    if (!prefix.startsWith('/')) {
      throw new BadUserInputError(`WHARF_BIND_ALLOW entry "${prefix}" must be an absolute path`);
    }
  }
  return {
    bindAllow,
    registryAllow: (commaList(env.WHARF_REGISTRY_ALLOW) ?? [DOCKER_HUB]).map((host) =>
      host.toLowerCase(),
    ),
    denyRootUser: flag('WHARF_DENY_ROOT_USER', env.WHARF_DENY_ROOT_USER),
    dockerSockets: [...new Set([...STANDARD_SOCKETS, ...engineSockets])],
    logDriverAllow: commaList(env.WHARF_LOG_DRIVER_ALLOW) ?? LOCAL_LOG_DRIVERS,
  };
}
