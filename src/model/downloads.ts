import { envValueHider } from '../auth/redact.ts';
import type { Context } from '../context.ts';
import { pathKind } from '../engine/archive.ts';
import { streamContainerLogs } from '../engine/containers.ts';
import { framingOf } from '../engine/decode/framing.ts';
import { type TarEvent, tarChunks } from '../engine/decode/tar.ts';
import { EngineError } from '../engine/errors.ts';
import { LogDecoder, type LogLine } from '../engine/log-lines.ts';
import type { EngineArg } from '../engine/registry.ts';
import { containerEngine } from './containers.ts';
import { archiveOf, containerForFiles, containerPath, statPath } from './files.ts';
import { containerToFollow } from './followed-container.ts';

/**
 * What a download endpoint streams: the engine's stream is already open (so failures before the
 * first byte are answered as errors); `close` ends it, whether `body` was read or not.
 */
export interface Download {
  /** Engine and full id of the container, for the audit line. */
  target: string;
  filename: string;
  contentType: string;
  /** Known for a single file (its size in the engine's tar); chunked otherwise. */
  length: number | undefined;
  body: AsyncIterable<Buffer>;
  close(): void;
}

/**
 * A path of a container: a regular file as its bytes, anything else (a directory with everything
 * below it, a symlink) as the engine's tar, whose entries are checked as they pass.
 */
export async function openFileDownload(
  ctx: Context,
  args: EngineArg & { ref: string; path: string },
): Promise<Download> {
  const path = containerPath(args.path);
  const target = await containerForFiles(ctx, args);
  const stat = await statPath(target, path);
  const base = path === '/' ? target.name : stat.name;
  const response = await archiveOf(target, path === '/' ? '/.' : path);
  const chunks = tarChunks(response.body);
  const common = { target: `${target.engine}/${target.id}`, close: () => response.body.destroy() };
  if (pathKind(stat.mode) !== 'file') {
    return {
      ...common,
      filename: `${base}.tar`,
      contentType: 'application/x-tar',
      length: undefined,
      body: (async function* () {
        for await (const { chunk } of chunks) yield chunk;
      })(),
    };
  }
  // Read up to the file's header: its size is the response's length.
  let events: TarEvent[] = [];
  try {
    while (events.length === 0) {
      const next = await chunks.next();
      if (next.done) break;
      events = next.value.events;
    }
  } catch (error) {
    common.close();
    throw error;
  }
  const header = events[0]?.kind === 'entry' ? events[0].header : undefined;
  if (header?.type !== 'file') {
    common.close();
    throw new EngineError('ENGINE_ERROR', 200, `the engine sent no file for ${path}`);
  }
  return {
    ...common,
    filename: base,
    contentType: 'application/octet-stream',
    length: header.size,
    body: (async function* () {
      for (let pending = events.slice(1); ; ) {
        for (const event of pending) {
          if (event.kind !== 'data') return;
          yield event.bytes;
        }
        const next = await chunks.next();
        if (next.done) return;
        pending = next.value.events;
      }
    })(),
  };
}

/**
 * A container's whole log as text, stdout and stderr demultiplexed in the engine's order, with
 * each line's timestamp first when asked. As `containerLogs`: below admin, env values read `***`.
 */
export async function openLogDownload(
  ctx: Context,
  args: EngineArg & { ref: string; stdout: boolean; stderr: boolean; timestamps: boolean },
): Promise<Download> {
  const { client, ref } = await containerEngine(ctx, args);
  const details = await containerToFollow(ctx.principal, client.api, ref);
  const stop = new AbortController();
  const response = await streamContainerLogs(client.api, details.Id, {
    stdout: args.stdout,
    stderr: args.stderr,
    timestamps: true,
    signal: stop.signal,
  });
  const decoder = new LogDecoder(framingOf(response.headers['content-type'], details.Config.Tty), {
    timestamps: true,
  });
  const hide = envValueHider(ctx.principal, details.Config.Env ?? []);
  const text = (lines: LogLine[]) =>
    Buffer.from(
      lines
        .map(
          (line) =>
            `${args.timestamps && line.timestamp ? `${line.timestamp} ` : ''}${hide(line.text)}\n`,
        )
        .join(''),
    );
  return {
    target: `${client.name}/${details.Id}`,
    filename: `${details.Name.slice(1)}.log`,
    contentType: 'text/plain; charset=utf-8',
    length: undefined,
    close: () => {
      stop.abort();
      response.body.destroy();
    },
    body: (async function* () {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        const lines = decoder.push(chunk);
        if (lines.length > 0) yield text(lines);
        decoder.throwIfFailed();
      }
      const rest = decoder.end();
      if (rest.length > 0) yield text(rest);
    })(),
  };
}
