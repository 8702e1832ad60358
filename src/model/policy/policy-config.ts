import { BadUserInputError } from '../../engine/errors.ts';
import { canonicalRegistry, DOCKER_HUB } from '../../engine/refs.ts';

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

/** `host` or `host:port` as image references spell them (IPv6 in brackets): no scheme, no path. */
const REGISTRY_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** A built-in driver (json-file) or a plugin (owner/name:tag), as HostConfig.LogConfig.Type names it. */
const LOG_DRIVER = /^[a-z0-9][a-z0-9._/:-]*$/;

/**
 * Each entry of a comma list checked against `pattern`: an entry that can never match what a client
 * sends (a URL, a typo with a space) would otherwise refuse everything it was meant to allow, silently.
 */
function checkedList(
  name: string,
  value: string | undefined,
  pattern: RegExp,
  what: string,
): string[] | undefined {
  const entries = commaList(value);
  for (const entry of entries ?? []) {
    if (!pattern.test(entry)) throw new BadUserInputError(`${name} entry "${entry}" ${what}`);
  }
  return entries;
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
  const registryAllow = checkedList(
    'WHARF_REGISTRY_ALLOW',
    env.WHARF_REGISTRY_ALLOW?.toLowerCase(),
    REGISTRY_HOST,
    'must be a registry host or host:port, without a scheme or path',
  );
  return {
    bindAllow,
    // As references name them: `index.docker.io` is Docker Hub's `docker.io`.
    registryAllow: registryAllow
      ? [...new Set(registryAllow.map(canonicalRegistry))]
      : [DOCKER_HUB],
    denyRootUser: flag('WHARF_DENY_ROOT_USER', env.WHARF_DENY_ROOT_USER),
    dockerSockets: [...new Set([...STANDARD_SOCKETS, ...engineSockets])],
    logDriverAllow:
      checkedList(
        'WHARF_LOG_DRIVER_ALLOW',
        env.WHARF_LOG_DRIVER_ALLOW,
        LOG_DRIVER,
        'must be a log driver name such as json-file or owner/plugin:tag',
      ) ?? LOCAL_LOG_DRIVERS,
  };
}
