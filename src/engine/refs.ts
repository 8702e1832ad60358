import { BadUserInputError } from './errors.ts';

/**
 * Refs become path segments of engine URLs, so they are checked before any call: a ref with `/`,
 * `..`, `?` or control characters could address another endpoint. A well-formed ref that names
 * nothing is not an error here; the engine answers 404 for it.
 */
const OBJECT_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
const IMAGE_REF = /^[a-zA-Z0-9][a-zA-Z0-9_.:@/-]{0,511}$/;

function check(kind: string, pattern: RegExp, ref: string): string {
  if (
    !pattern.test(ref) ||
    ref.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw new BadUserInputError(`"${ref.slice(0, 80)}" is not a valid ${kind} reference`);
  }
  return ref;
}

/** Container full id, unique id prefix or name (a leading `/`, as the engine prints names, is allowed). */
export function containerRef(ref: string): string {
  return check('container', OBJECT_REF, ref.startsWith('/') ? ref.slice(1) : ref);
}

export function networkRef(ref: string): string {
  return check('network', OBJECT_REF, ref);
}

/** A swarm service, task, node, secret or config: id, unique id prefix or name. */
export function swarmRef(kind: string, ref: string): string {
  return check(kind, OBJECT_REF, ref);
}

export function volumeName(name: string): string {
  return check('volume', OBJECT_REF, name);
}

/** Image id (`sha256:…`), id prefix, `repo:tag` or `repo@digest`; registries and paths keep their `/`. */
export function imageRef(ref: string): string {
  return check('image', IMAGE_REF, ref);
}

/** Docker Hub, however a reference names it; bare references (`alpine`, `user/app`) mean it too. */
export const DOCKER_HUB = 'docker.io';

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
  return isHost ? canonicalRegistry(first) : DOCKER_HUB;
}

/** A registry host as `registryOf` names it: lower case, Docker Hub's aliases as `docker.io`. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return HUB_HOSTS.has(lower) ? DOCKER_HUB : lower;
}
