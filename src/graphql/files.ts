import type { ArgBuilder } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { BadUserInputError } from '../engine/errors.ts';
import {
  type DirectoryRead,
  type FileEntry as FileEntryShape,
  type FileRead,
  type FileType as FileTypeName,
  MAX_DIR_ENTRIES,
  readContainerPath,
  writeContainerFile,
} from '../model/files.ts';
import { builder, type Types } from './builder.ts';
import { engineArg } from './engine-connection.ts';
import { Container } from './nodes.ts';

const FileType = builder.enumType('FileType', {
  values: {
    FILE: { value: 'FILE', description: 'A regular file (hard links included).' },
    DIR: { value: 'DIR' },
    SYMLINK: {
      value: 'SYMLINK',
      description: 'Never followed: `linkTarget` says where it points.',
    },
    OTHER: { value: 'OTHER', description: 'A device, pipe or socket.' },
  } satisfies Record<FileTypeName, unknown>,
});

const FileEncoding = builder.enumType('FileEncoding', {
  values: {
    UTF8: { value: 'UTF8', description: 'The bytes are valid UTF-8: `content` is the text.' },
    BASE64: { value: 'BASE64', description: '`content` is the bytes in base64.' },
  },
});

const FileEntry = builder.objectRef<FileEntryShape>('FileEntry').implement({
  description: 'A file, directory or link as the container holds it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    type: t.field({ type: FileType, resolve: (entry) => entry.type }),
    size: t.field({
      type: 'SafeInt',
      description: 'Bytes of a regular file; what the engine reports for others.',
      resolve: (entry) => entry.size,
    }),
    mode: t.int({
      description: 'Permission bits with setuid, setgid and sticky (0o755 is 493).',
      resolve: (entry) => entry.mode,
    }),
    mtime: t.field({ type: 'DateTime', resolve: (entry) => entry.mtime }),
    linkTarget: t.string({
      nullable: true,
      description: "A symlink's target as written in it; null for other types.",
      resolve: (entry) => entry.linkTarget,
    }),
  }),
});

const ContainerFile = builder.objectRef<FileRead>('ContainerFile').implement({
  description: 'A path that is not a directory, with a regular file’s content.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The path read, normalized.' }),
    file: t.field({ type: FileEntry, resolve: (read) => read.entry }),
    content: t.string({
      nullable: true,
      description:
        'A regular file’s bytes as `encoding` says; null for symlinks and special files.',
      resolve: (read) => read.content,
    }),
    encoding: t.field({ type: FileEncoding, nullable: true, resolve: (read) => read.encoding }),
  }),
});

const ContainerDirectory = builder.objectRef<DirectoryRead>('ContainerDirectory').implement({
  description: 'A directory and the entries directly in it, in name order.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'The path read, normalized.' }),
    directory: t.field({ type: FileEntry, resolve: (read) => read.entry }),
    entries: t.field({ type: [FileEntry], resolve: (read) => read.entries }),
    truncated: t.boolean({
      description: `True when the listing stopped early: the engine sends a directory as a tar of everything below it, read up to WHARF_MAX_DIR_SCAN_BYTES (64 MiB by default), and at most ${MAX_DIR_ENTRIES} entries are returned.`,
      resolve: (read) => read.truncated,
    }),
  }),
});

const ContainerPathContent = builder.unionType('ContainerPathContent', {
  types: [ContainerFile, ContainerDirectory],
  resolveType: (read) => (read.kind === 'file' ? ContainerFile : ContainerDirectory),
});

const pathArg = {
  description:
    'An absolute path in the container; `.` and repeated `/` are dropped, `..` is BAD_USER_INPUT.',
};

/** The container and the path in it a file field names. */
const pathTargetArgs = (arg: ArgBuilder<Types>) => ({
  ref: arg.string({ required: true, description: 'Global id, full id, unique id prefix or name.' }),
  engine: engineArg(arg),
  path: arg.string({ required: true, ...pathArg }),
});

builder.queryField('containerFile', (t) =>
  t.field({
    // File contents can hold secrets (`/proc/1/environ`, keys, config): operator, as exec is.
    authScopes: { operator: true },
    type: ContainerPathContent,
    description:
      "Reads a path in a container, running or not, through the engine's archive API: a `ContainerFile` (content up to WHARF_MAX_FILE_BYTES, 1 MiB by default: a larger file is RESPONSE_TOO_LARGE, download it from `/download/containers/<ref>/file?path=`) or a `ContainerDirectory` listing. Operator role: file contents can hold secrets. A tenant reads its own containers only. NOT_FOUND when the container or the path does not exist. Symlinks are never followed. Every read is an audit line.",
    args: {
      ...pathTargetArgs(t.arg),
    },
    resolve: (_root, args, ctx) => readContainerPath(ctx, args),
  }),
);

const ContainerFileWriteResult = builder
  .objectRef<Awaited<ReturnType<typeof writeContainerFile>>>('ContainerFileWriteResult')
  .implement({
    fields: (t) => ({
      id: t.id({
        description: "The container's global id.",
        resolve: (result) => encodeGlobalID('Container', result.key),
      }),
      container: t.field({
        type: Container,
        nullable: true,
        description: 'The container, read again (null if it went away meanwhile).',
        resolve: (result) => result.container,
      }),
      path: t.exposeString('path', { description: 'The file written, normalized.' }),
      size: t.field({ type: 'SafeInt', resolve: (result) => result.size }),
    }),
  });

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function contentBytes(content: string, encoding: 'UTF8' | 'BASE64'): Buffer {
  if (encoding === 'UTF8') return Buffer.from(content, 'utf8');
  if (!BASE64.test(content)) throw new BadUserInputError('content is not valid base64');
  return Buffer.from(content, 'base64');
}

builder.mutationField('containerFileWrite', (t) =>
  t.field({
    authScopes: { operator: true },
    type: ContainerFileWriteResult,
    description:
      'Writes one regular file into a container, running or not (created or replaced, owned by root; a directory is never replaced). Its directory must exist (NOT_FOUND otherwise). At most WHARF_MAX_FILE_BYTES (1 MiB by default) of content, and the request body cap applies first.',
    args: {
      ...pathTargetArgs(t.arg),
      content: t.arg.string({ required: true }),
      encoding: t.arg({ type: FileEncoding, required: true, defaultValue: 'UTF8' }),
      mode: t.arg.int({
        required: true,
        defaultValue: 0o644,
        description: 'Permission bits, 0 to 4095 (0o7777); 420 (0o644) by default.',
      }),
    },
    resolve: (_root, args, ctx) =>
      writeContainerFile(ctx, {
        ref: args.ref,
        engine: args.engine,
        path: args.path,
        content: contentBytes(args.content, args.encoding),
        mode: args.mode,
      }),
  }),
);
