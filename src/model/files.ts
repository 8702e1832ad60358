import { audit, auditCode } from '../audit.ts';
import type { Context } from '../context.ts';
import {
  type PathStat,
  pathKind,
  permissionBits,
  putContainerArchive,
  statContainerPath,
  streamContainerArchive,
} from '../engine/archive.ts';
import { inspectContainer } from '../engine/containers.ts';
import { type TarEvent, type TarHeader, tarChunks } from '../engine/decode/tar.ts';
import {
  BadUserInputError,
  EngineNotFoundError,
  ForbiddenError,
  ResponseTooLargeError,
} from '../engine/errors.ts';
import type { EngineArg } from '../engine/registry.ts';
import { tarOfOneFile } from '../engine/tar-file.ts';
import type { StreamResponse } from '../engine/transport.ts';
import { LIMIT_VARIABLES } from '../limits/limits.ts';
import { currentLimits } from '../limits/operation-scope.ts';
import { CONTAINER, containerByRef, containerEngine } from './containers.ts';
import { toKey } from './loaders/keys.ts';
import { isTenant, ownedBy, visibleTo } from './tenancy.ts';
import { writeTo } from './writes.ts';

export type FileType = 'FILE' | 'DIR' | 'SYMLINK' | 'OTHER';

export interface FileEntry {
  name: string;
  type: FileType;
  size: number;
  /** Permission bits (with setuid, setgid, sticky). */
  mode: number;
  mtime: Date;
  /** A symlink's target as written in it (never followed); null for other types. */
  linkTarget: string | null;
}

export interface FileRead {
  kind: 'file';
  path: string;
  entry: FileEntry;
  /** A regular file's bytes (UTF-8 text, else base64); null for symlinks and special files. */
  content: string | null;
  encoding: 'UTF8' | 'BASE64' | null;
}

export interface DirectoryRead {
  kind: 'directory';
  path: string;
  entry: FileEntry;
  entries: FileEntry[];
  /** The listing stopped at WHARF_MAX_DIR_SCAN_BYTES or MAX_DIR_ENTRIES. */
  truncated: boolean;
}

/** Entries one listing returns at most. */
export const MAX_DIR_ENTRIES = 10_000;
const MAX_PATH = 4096;

/**
 * A path in a container as the engine is asked for it: absolute, without `.` or empty
 * components; `..` is refused (what it names would depend on where symlinks lead).
 */
export function containerPath(path: string): string {
  if (!path.startsWith('/')) throw new BadUserInputError('path must be absolute');
  if (path.length > MAX_PATH || path.includes('\0')) {
    throw new BadUserInputError(`path must be at most ${MAX_PATH} characters, without NUL`);
  }
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new BadUserInputError('path must not contain ".."');
  return `/${parts.join('/')}`;
}

const TYPES: Record<TarHeader['type'], FileType> = {
  file: 'FILE',
  hardlink: 'FILE',
  symlink: 'SYMLINK',
  directory: 'DIR',
  other: 'OTHER',
};

const STAT_TYPES: Record<ReturnType<typeof pathKind>, FileType> = {
  file: 'FILE',
  directory: 'DIR',
  symlink: 'SYMLINK',
  other: 'OTHER',
};

function entryOfStat(stat: PathStat): FileEntry {
  const type = STAT_TYPES[pathKind(stat.mode)];
  return {
    name: stat.name,
    type,
    size: stat.size,
    mode: permissionBits(stat.mode),
    mtime: new Date(stat.mtime),
    linkTarget: type === 'SYMLINK' ? stat.linkTarget : null,
  };
}

function entryOfHeader(name: string, header: TarHeader, size = header.size): FileEntry {
  return {
    name,
    type: TYPES[header.type],
    size,
    mode: header.mode,
    mtime: header.mtime,
    linkTarget: header.type === 'symlink' ? header.linkName : null,
  };
}

/** The container whose files are read, by ref; only a tenant's own (a shared one's are not). */
export async function containerForFiles(ctx: Context, args: EngineArg & { ref: string }) {
  const { client, ref } = await containerEngine(ctx, args);
  const missing = new EngineNotFoundError(`No such container: ${args.ref}`);
  const details = await inspectContainer(client.api, ref).catch((error: unknown) => {
    throw error instanceof EngineNotFoundError ? missing : error;
  });
  const labels = details.Config.Labels;
  if (isTenant(ctx.principal) && !ownedBy(ctx.principal, labels)) {
    if (!visibleTo(ctx.principal, labels)) throw missing;
    throw new ForbiddenError(
      'tenancy.scope',
      `container ${args.ref} is shared: its files are not open to this token`,
    );
  }
  return { engine: client.name, api: client.api, id: details.Id, name: details.Name.slice(1) };
}

export type FilesTarget = Awaited<ReturnType<typeof containerForFiles>>;

/** A 404 of the archive endpoints, once the container is known to exist, is about the path. */
function pathMissing(path: string) {
  return (error: unknown): never => {
    throw error instanceof EngineNotFoundError
      ? new EngineNotFoundError(`no such file or directory: ${path}`)
      : error;
  };
}

export function statPath(target: FilesTarget, path: string): Promise<PathStat> {
  return statContainerPath(target.api, target.id, path).catch(pathMissing(path));
}

/** The engine's tar of a path; its body must be read to the end or destroyed. */
export function archiveOf(target: FilesTarget, path: string) {
  return streamContainerArchive(target.api, target.id, path).catch(pathMissing(path));
}

/** A directory's tar names its children `./<name>` when asked for `<dir>/.` (`/.` for the root). */
const listingPath = (path: string) => (path === '/' ? '/.' : `${path}/.`);

/** One audit line per read: reading files is as sensitive as writing them. */
async function audited<T>(ctx: Context, target: FilesTarget, read: () => Promise<T>): Promise<T> {
  const targets = [`${target.engine}/${target.id}`];
  try {
    const result = await read();
    audit(ctx, { operation: 'containerFile', decision: 'allow', targets });
    return result;
  } catch (error) {
    const details = { error: auditCode(error) };
    audit(ctx, { operation: 'containerFile', decision: 'allow', targets, details });
    throw error;
  }
}

/** A file (its content up to WHARF_MAX_FILE_BYTES) or a directory's listing. */
export async function readContainerPath(
  ctx: Context,
  args: EngineArg & { ref: string; path: string },
): Promise<FileRead | DirectoryRead> {
  const path = containerPath(args.path);
  const target = await containerForFiles(ctx, args);
  return audited(ctx, target, async () => {
    const stat = await statPath(target, path);
    const entry = entryOfStat(stat);
    return entry.type === 'DIR'
      ? { kind: 'directory', path, entry, ...(await listDirectory(target, path)) }
      : { kind: 'file', path, ...(await readFile(target, path, entry)) };
  });
}

/**
 * Reads the engine's tar until `onEvent` or `afterChunk` answers false, or the archive ends; the
 * body is destroyed however the reading ends (a cap hit stops the engine's stream at once).
 */
async function readTar(
  body: StreamResponse['body'],
  onEvent: (event: TarEvent) => boolean,
  afterChunk: (bytes: number) => boolean = () => true,
): Promise<void> {
  for await (const { chunk, events } of tarChunks(body)) {
    for (const event of events) if (!onEvent(event)) return;
    if (!afterChunk(chunk.length)) return;
  }
}

async function listDirectory(target: FilesTarget, path: string) {
  const { maxDirScanBytes } = currentLimits();
  const response = await archiveOf(target, listingPath(path));
  const entries: FileEntry[] = [];
  // Hard links carry no size: the file they name, seen earlier in the tar, has it.
  const sizes = new Map<string, number>();
  let scanned = 0;
  let truncated = false;
  await readTar(
    response.body,
    (event) => {
      if (event.kind !== 'entry') return event.kind === 'data';
      const { header } = event;
      if (header.type === 'file') sizes.set(header.name, header.size);
      const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
      if (name === '' || name === '.' || name.includes('/')) return true;
      const size = header.type === 'hardlink' ? (sizes.get(header.linkName) ?? 0) : header.size;
      entries.push(entryOfHeader(name, header, size));
      return true;
    },
    (bytes) => {
      scanned += bytes;
      truncated = scanned >= maxDirScanBytes || entries.length >= MAX_DIR_ENTRIES;
      return !truncated;
    },
  );
  return { entries: entries.slice(0, MAX_DIR_ENTRIES), truncated };
}

function tooLarge(size: number | undefined): ResponseTooLargeError {
  const { maxFileBytes } = currentLimits();
  return new ResponseTooLargeError(
    `the file${size === undefined ? '' : ` (${size} bytes)`} is larger than the file cap (${LIMIT_VARIABLES.maxFileBytes}, ${maxFileBytes} bytes); download it from /download/containers/<ref>/file instead`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readFile(target: FilesTarget, path: string, statEntry: FileEntry) {
  const { maxFileBytes } = currentLimits();
  if (statEntry.type === 'FILE' && statEntry.size > maxFileBytes) throw tooLarge(statEntry.size);
  const response = await archiveOf(target, path);
  let header: TarHeader | undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  await readTar(response.body, (event) => {
    if (event.kind === 'entry') {
      if (header) return false;
      header = event.header;
      if (header.type === 'file' && header.size > maxFileBytes) throw tooLarge(header.size);
      return true;
    }
    if (event.kind === 'end') return false;
    size += event.bytes.length;
    if (size > maxFileBytes) throw tooLarge(undefined);
    chunks.push(event.bytes);
    return true;
  });
  if (!header) throw new EngineNotFoundError(`no such file or directory: ${path}`);
  const entry = { ...entryOfHeader(statEntry.name, header), mtime: statEntry.mtime };
  if (entry.type !== 'FILE') return { entry, content: null, encoding: null };
  const bytes = Buffer.concat(chunks, size);
  try {
    return { entry, content: utf8.decode(bytes), encoding: 'UTF8' as const };
  } catch {
    return { entry, content: bytes.toString('base64'), encoding: 'BASE64' as const };
  }
}

/** Where a write lands: the directory the engine unpacks into, and the file's name there. */
function splitPath(path: string): { dir: string; name: string } {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (name === '') throw new BadUserInputError('path must name a file, not /');
  return { dir: path.slice(0, slash) || '/', name };
}

/**
 * Writes one regular file (created or replaced; a directory is never replaced) owned by root.
 * The directory must exist.
 */
export async function writeContainerFile(
  ctx: Context,
  args: EngineArg & { ref: string; path: string; content: Buffer; mode: number },
) {
  const path = containerPath(args.path);
  const { dir, name } = splitPath(path);
  const { maxFileBytes } = currentLimits();
  if (args.content.length > maxFileBytes) {
    throw new BadUserInputError(
      `content is larger than the file cap (${LIMIT_VARIABLES.maxFileBytes}, ${maxFileBytes} bytes)`,
    );
  }
  if (!Number.isInteger(args.mode) || args.mode < 0 || args.mode > 0o7777) {
    throw new BadUserInputError('mode must be permission bits, 0 to 0o7777 (4095)');
  }
  const tar = tarOfOneFile({ name, content: args.content, mode: args.mode, mtime: new Date() });
  const { engine, id } = await writeTo(ctx, args, CONTAINER, ({ api }, id) =>
    putContainerArchive(api, id, dir, tar).catch(pathMissing(dir)),
  );
  return {
    key: toKey(engine, id),
    container: await containerByRef(ctx, engine, id),
    path,
    size: args.content.length,
  };
}
