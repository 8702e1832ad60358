import type { IncomingHttpHeaders } from 'node:http';
import type { EngineApi } from './api.ts';
import { EngineError } from './errors.ts';
import { containerRef } from './refs.ts';

/** `X-Docker-Container-Path-Stat`: what the engine says of a path, as base64 JSON. */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode: permission bits plus type bits (ModeDir 1<<31, ModeSymlink 1<<27, …). */
  mode: number;
  /** RFC 3339 with nanoseconds. */
  mtime: string;
  /** A symlink's target as the engine resolves it inside the container; '' otherwise. */
  linkTarget: string;
}

const STAT_HEADER = 'x-docker-container-path-stat';

const GO_MODE = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  /** Device, named pipe, socket, char device, irregular: not a regular file. */
  special: 2 ** 26 + 2 ** 25 + 2 ** 24 + 2 ** 21 + 2 ** 19,
};

export type PathKind = 'directory' | 'symlink' | 'file' | 'other';

export function pathKind(mode: number): PathKind {
  // Above 2^31: bitwise operators would cut it to 32 bits.
  if (mode >= GO_MODE.dir) return 'directory';
  if (Math.floor(mode / GO_MODE.symlink) % 2 === 1) return 'symlink';
  const typeBits = Math.floor(mode / 2 ** 19) * 2 ** 19;
  return typeBits === 0 ? 'file' : 'other';
}

/** Permission bits with setuid, setgid and sticky (Go keeps those three as type-range bits). */
export function permissionBits(mode: number): number {
  const setuid = Math.floor(mode / 2 ** 23) % 2 === 1 ? 0o4000 : 0;
  const setgid = Math.floor(mode / 2 ** 22) % 2 === 1 ? 0o2000 : 0;
  const sticky = Math.floor(mode / 2 ** 20) % 2 === 1 ? 0o1000 : 0;
  return (mode % 0o1000) | setuid | setgid | sticky;
}

/** The stat header of an archive answer; a missing or malformed one is the engine's fault. */
export function pathStatOf(headers: IncomingHttpHeaders, statusCode: number): PathStat {
  const raw = headers[STAT_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  let parsed: unknown;
  try {
    parsed = value === undefined ? undefined : JSON.parse(Buffer.from(value, 'base64').toString());
  } catch {
    parsed = undefined;
  }
  const stat = parsed as Partial<PathStat> | undefined;
  if (
    typeof stat?.name !== 'string' ||
    typeof stat.size !== 'number' ||
    typeof stat.mode !== 'number' ||
    typeof stat.mtime !== 'string'
  ) {
    throw new EngineError('ENGINE_ERROR', statusCode, 'the engine sent no valid path stat');
  }
  return {
    name: stat.name,
    size: stat.size,
    mode: stat.mode,
    mtime: stat.mtime,
    linkTarget: typeof stat.linkTarget === 'string' ? stat.linkTarget : '',
  };
}

const archivePath = (id: string) => `/containers/${containerRef(id)}/archive`;

/**
 * What a path in a container is, without its content.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerArchiveInfo
 */
export async function statContainerPath(api: EngineApi, id: string, path: string) {
  const response = await api.call('HEAD', archivePath(id), { query: { path } });
  return pathStatOf(response.headers, response.statusCode);
}

/**
 * A path as a tar stream (a directory with everything below it); no deadline on the body, so
 * end it by destroying the body (or with the call scope's abort).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerArchive
 */
export function streamContainerArchive(api: EngineApi, id: string, path: string) {
  return api.stream('GET', archivePath(id), { query: { path } });
}

/**
 * Unpacks a tar into a directory that exists. A directory is never replaced by a file.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/PutContainerArchive
 */
export async function putContainerArchive(api: EngineApi, id: string, dir: string, tar: Buffer) {
  await api.call('PUT', archivePath(id), {
    query: { path: dir, noOverwriteDirNonDir: 1 },
    rawBody: { contentType: 'application/x-tar', bytes: tar },
  });
}
