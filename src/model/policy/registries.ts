import { DOCKER_HUB } from './policy-config.ts';

/** The names the engine uses for Docker Hub. */
const HUB_HOSTS = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry host (`host` or `host:port`, lower case) an image reference pulls from, by the
 * engine's own rule: the first path component is a host only if it has a `.` or `:` or is
 * `localhost`; otherwise the reference is Docker Hub's.
 */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === 'localhost';
  if (!isHost) return DOCKER_HUB;
  const host = first.toLowerCase();
  return HUB_HOSTS.has(host) ? DOCKER_HUB : host;
}

/**
 * Only registries listed by exact `host[:port]` are reached, so a loopback or private address (or a
 * name for one, or another spelling of one, such as 127.1) is refused unless it is listed as is.
 */
export function registryAllowed(ref: string, allow: readonly string[]): boolean {
  return allow.includes(registryOf(ref));
}
