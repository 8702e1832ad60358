import type { ArgBuilder } from '@pothos/core';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import { containerLogs, inspectContainer, streamContainerLogs } from '../engine/containers.ts';
import { type Framing, framingOf } from '../engine/decode/framing.ts';
import {
  BadUserInputError,
  EngineConflictError,
  EngineNotFoundError,
  isUnavailableCause,
  ResponseTooLargeError,
  WharfError,
} from '../engine/errors.ts';
import { abortable } from '../engine/iterate.ts';
import { LogDecoder, type LogLine } from '../engine/log-lines.ts';
import { containerRef } from '../engine/refs.ts';
import { jsonSize } from '../limits/json-size.ts';
import { LIMIT_VARIABLES } from '../limits/limits.ts';
import { chargeResponseBytes, currentLimits } from '../limits/operation-scope.ts';
import { parseKey } from '../loaders/keys.ts';
import { builder, type Types } from './builder.ts';
import { OutputStream } from './common.ts';
import { Container, detailsOf } from './containers.ts';
import { defaultEngine } from './filters.ts';

/** A line as clients see it: the engine's timestamp is always the cursor, shown only if asked. */
interface LogLineView extends LogLine {
  cursor: string | null;
}

const LogLineRef = builder.objectRef<LogLineView>('LogLine').implement({
  description: 'One line a container wrote, without its newline, on the stream it was written to.',
  fields: (t) => ({
    stream: t.field({ type: OutputStream, resolve: (line) => line.stream }),
    text: t.exposeString('text'),
    timestamp: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the engine received the line (nanoseconds kept); null unless `timestamps`.',
      resolve: (line) => line.timestamp,
    }),
    cursor: t.string({
      nullable: true,
      description: 'Pass as `since` to continue after a reconnect (the engine keeps nanoseconds).',
      resolve: (line) => line.cursor,
    }),
  }),
});

function view(lines: LogLine[], timestamps: boolean): LogLineView[] {
  return lines.map((line) => ({
    ...line,
    cursor: line.timestamp,
    timestamp: timestamps ? line.timestamp : null,
  }));
}

function seconds(date: Date | string | null | undefined): number | undefined {
  if (!date) return undefined;
  return (typeof date === 'string' ? Date.parse(date) : date.getTime()) / 1000;
}

function checkTail(tail: number | null | undefined): number | undefined {
  if (tail === null || tail === undefined) return undefined;
  if (tail < 0) throw new BadUserInputError('tail must be 0 or more');
  return tail;
}

const streamArgs = (t: ArgBuilder<Types>) => ({
  tail: t.int({ description: 'Only the last N lines.' }),
  since: t({ type: 'DateTime' }),
  stdout: t.boolean({ defaultValue: true, required: true }),
  stderr: t.boolean({ defaultValue: true, required: true }),
});

/** `Container.logs` reads history into one answer: a bounded number of lines. */
export const DEFAULT_LOGS_TAIL = 100;
export const MAX_LOGS_TAIL = 10_000;

builder.objectField(Container, 'logs', (t) =>
  t.field({
    type: [LogLineRef],
    description: `Log history (no follow): stdout and stderr kept apart, lines the engine split at 16 KiB joined. At most ${MAX_LOGS_TAIL} lines, and RESPONSE_TOO_LARGE past the log byte cap (WHARF_MAX_LOG_BYTES, 1 MiB of JSON by default): narrow with \`tail\`, \`since\` or \`until\`. For live logs, subscribe to \`containerLogs\`.`,
    args: {
      ...streamArgs(t.arg),
      tail: t.arg.int({
        defaultValue: DEFAULT_LOGS_TAIL,
        required: true,
        description: `Only the last N log entries (0 to ${MAX_LOGS_TAIL}). The engine keeps a line over 16 KiB as several entries, so the oldest line may arrive cut at its start.`,
      }),
      until: t.arg({ type: 'DateTime' }),
      timestamps: t.arg.boolean({ defaultValue: true, required: true }),
    },
    resolve: async (container, args, ctx) => {
      const tail = checkTail(args.tail);
      if (tail !== undefined && tail > MAX_LOGS_TAIL) {
        throw new BadUserInputError(`tail must be at most ${MAX_LOGS_TAIL}`);
      }
      const { engine, id } = parseKey(container.key);
      const api = ctx.engines.api(engine);
      if (!api) throw new EngineNotFoundError(`no engine named ${engine}`);
      // Read as a stream, so a history over the cap is cut off rather than buffered whole.
      const stop = new AbortController();
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
      const [details, response] = await Promise.all([
        detailsOf(container, ctx),
        streamContainerLogs(api, id, {
          stdout: args.stdout,
          stderr: args.stderr,
          timestamps: true,
          tail,
          since: seconds(args.since),
          until: seconds(args.until),
          signal,
        }),
      ]);
      const decoder = new LogDecoder(
        framingOf(response.headers['content-type'], details.Config.Tty),
        { timestamps: true },
      );
      const budget = new LogBudget(currentLimits().maxLogBytes);
      const lines: LogLine[] = [];
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          budget.read(chunk.length);
          for (const line of decoder.push(chunk)) lines.push(budget.line(line));
          decoder.throwIfFailed();
        }
        for (const line of decoder.end()) lines.push(budget.line(line));
      } catch (error) {
        throw signal.aborted && signal.reason instanceof WharfError ? signal.reason : error;
      } finally {
        stop.abort();
        response.body.destroy();
      }
      return view(lines, args.timestamps);
    },
  }),
);

/** Room taken by a line's stream, timestamp, cursor and punctuation in the JSON answer. */
const LINE_OVERHEAD = 64;

/**
 * The log byte cap, counted twice: raw bytes read (bounds memory while a long line is still being
 * joined) and each line's JSON size (a NUL is six bytes there). Lines also count against the
 * operation's response budget as they arrive.
 */
class LogBudget {
  private raw = 0;
  private json = 0;
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  read(bytes: number): void {
    this.raw += bytes;
    if (this.raw > this.max) this.tooLarge();
  }

  line(line: LogLine): LogLine {
    const size = jsonSize(line.text) + LINE_OVERHEAD;
    this.json += size;
    if (this.json > this.max) this.tooLarge();
    chargeResponseBytes(size);
    return line;
  }

  private tooLarge(): never {
    throw new ResponseTooLargeError(
      `these logs exceed the log byte cap (${LIMIT_VARIABLES.maxLogBytes}); ask for fewer lines (tail) or a window (since, until)`,
    );
  }
}

type EndReason = 'EXITED' | 'REMOVED' | 'ENGINE_GONE' | 'HISTORY_END';

type LogEventShape =
  | { kind: 'lines'; lines: LogLineView[] }
  | { kind: 'end'; reason: EndReason; exitCode: number | null };

const LogLines = builder
  .objectRef<Extract<LogEventShape, { kind: 'lines' }>>('LogLines')
  .implement({
    description:
      'The lines that arrived together (one engine read), in the order written per stream.',
    fields: (t) => ({ lines: t.field({ type: [LogLineRef], resolve: (batch) => batch.lines }) }),
  });

const LogEndReason = builder.enumType('LogEndReason', {
  values: {
    EXITED: { value: 'EXITED', description: 'The container stopped; `exitCode` says how.' },
    REMOVED: { value: 'REMOVED', description: 'The container was removed.' },
    ENGINE_GONE: { value: 'ENGINE_GONE', description: 'The engine went away mid-stream.' },
    HISTORY_END: {
      value: 'HISTORY_END',
      description: 'follow: false, and the history is all sent.',
    },
  } satisfies Record<EndReason, unknown>,
});

const LogEnd = builder.objectRef<Extract<LogEventShape, { kind: 'end' }>>('LogEnd').implement({
  description: 'The last event of a log stream: why it ended.',
  fields: (t) => ({
    reason: t.field({ type: LogEndReason, resolve: (end) => end.reason }),
    exitCode: t.int({ nullable: true, resolve: (end) => end.exitCode }),
  }),
});

const LogEvent = builder.unionType('LogEvent', {
  types: [LogLines, LogEnd],
  resolveType: (event) => (event.kind === 'lines' ? LogLines : LogEnd),
});

interface FollowArgs {
  ref: string;
  follow: boolean;
  tail?: number | null;
  since?: Date | null;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
}

/** Why a followed stream ended, from what the engine says of the container afterwards. */
async function endOf(ctx: Context, id: string): Promise<LogEventShape> {
  try {
    const details = await inspectContainer(defaultEngine(ctx).api, id);
    if (details.State.Status === 'removing' || details.State.Dead) {
      return { kind: 'end', reason: 'REMOVED', exitCode: details.State.ExitCode };
    }
    return { kind: 'end', reason: 'EXITED', exitCode: details.State.ExitCode };
  } catch (error) {
    if (error instanceof EngineNotFoundError)
      return { kind: 'end', reason: 'REMOVED', exitCode: null };
    if (
      isUnavailableCause(error) ||
      (error instanceof WharfError && error.code === 'ENGINE_UNAVAILABLE')
    ) {
      return { kind: 'end', reason: 'ENGINE_GONE', exitCode: null };
    }
    throw error;
  }
}

async function* followLogs(
  ctx: Context,
  args: FollowArgs,
  signal: AbortSignal,
): AsyncGenerator<LogEventShape> {
  const tail = checkTail(args.tail);
  const { api } = defaultEngine(ctx);
  const details = await inspectContainer(api, containerRef(args.ref)).catch((error: unknown) => {
    if (error instanceof EngineNotFoundError) {
      throw new EngineNotFoundError(`no container matches "${args.ref}"`);
    }
    throw error;
  });
  const response = await streamContainerLogs(api, details.Id, {
    follow: args.follow,
    stdout: args.stdout,
    stderr: args.stderr,
    timestamps: true,
    tail,
    since: seconds(args.since),
    signal,
  });
  const framing = framingOf(response.headers['content-type'], details.Config.Tty);
  const decoder = new LogDecoder(framing, { timestamps: true });
  const delivered = new DeliveredLines();
  let engineGone = false;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const lines = decoder.push(chunk);
      if (lines.length > 0)
        yield { kind: 'lines', lines: view(delivered.add(lines), args.timestamps) };
      decoder.throwIfFailed();
    }
  } catch (error) {
    if (signal.aborted) return;
    if (!isUnavailableCause(error) && !(error instanceof Error && error.name === 'AbortError'))
      throw error;
    engineGone = true;
  } finally {
    response.body.destroy();
  }
  if (engineGone) {
    yield { kind: 'end', reason: 'ENGINE_GONE', exitCode: null };
    return;
  }
  if (!args.follow) {
    const rest = decoder.end();
    if (rest.length > 0) yield { kind: 'lines', lines: view(rest, args.timestamps) };
    yield { kind: 'end', reason: 'HISTORY_END', exitCode: null };
    return;
  }
  // The engine can close a follow when the container exits before its log copier has written the
  // last lines (Engine 20.10, seen with fast writers): read the history from where the follow
  // stopped and deliver whatever it missed.
  decoder.throwIfFailed();
  const resumeFrom = decoder.pendingSince() ?? delivered.last;
  const missed = await catchUp(api, details.Id, framing, args, resumeFrom, delivered);
  if (missed.length > 0) yield { kind: 'lines', lines: view(missed, args.timestamps) };
  yield await endOf(ctx, details.Id);
}

/** What a follow delivered, by timestamp, so a catch-up read can skip it. */
class DeliveredLines {
  last: string | null = null;
  private readonly atLast = new Map<string, number>();

  add(lines: LogLine[]): LogLine[] {
    for (const line of lines) {
      if (line.timestamp === null) continue;
      if (line.timestamp !== this.last) {
        this.last = line.timestamp;
        this.atLast.clear();
      }
      this.atLast.set(line.stream, (this.atLast.get(line.stream) ?? 0) + 1);
    }
    return lines;
  }

  /** True for a line the follow already delivered (same timestamp, counted per stream). */
  seen(line: LogLine): boolean {
    if (line.timestamp === null || this.last === null) return false;
    if (line.timestamp < this.last) return true;
    if (line.timestamp > this.last) return false;
    const left = this.atLast.get(line.stream) ?? 0;
    if (left === 0) return false;
    this.atLast.set(line.stream, left - 1);
    return true;
  }
}

/** RFC 3339 with nanoseconds → the engine's `since` (seconds with a fraction; inclusive). */
function engineSince(timestamp: string): string | undefined {
  const match = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  const seconds = match?.[1] ? Date.parse(`${match[1]}Z`) / 1000 : Number.NaN;
  if (!Number.isFinite(seconds)) return undefined;
  return `${seconds}.${(match?.[2] ?? '').padEnd(9, '0')}`;
}

async function catchUp(
  api: EngineApi,
  id: string,
  framing: Framing,
  args: FollowArgs,
  from: string | null,
  delivered: DeliveredLines,
): Promise<LogLine[]> {
  const since = from === null ? undefined : engineSince(from);
  if (since === undefined) return [];
  let response: Awaited<ReturnType<typeof containerLogs>>;
  try {
    response = await containerLogs(api, id, {
      stdout: args.stdout,
      stderr: args.stderr,
      timestamps: true,
      since,
    });
  } catch (error) {
    // Removed (or being removed): its logs went with it; the follow delivered what there was.
    if (error instanceof EngineNotFoundError || error instanceof EngineConflictError) return [];
    throw error;
  }
  const decoder = new LogDecoder(framing, { timestamps: true });
  return [...decoder.push(response.body), ...decoder.end()].filter((line) => !delivered.seen(line));
}

builder.subscriptionField('containerLogs', (t) =>
  t.field({
    type: LogEvent,
    description:
      "Follows a container's logs: batches of lines as they arrive, then one `LogEnd` saying why the stream ended (the container exited, was removed, the engine went away, or the history ended with follow: false). Unsubscribing closes the engine stream.",
    args: {
      ref: t.arg.string({ required: true }),
      follow: t.arg.boolean({ defaultValue: true, required: true }),
      ...streamArgs(t.arg),
      timestamps: t.arg.boolean({ defaultValue: false, required: true }),
    },
    subscribe: (_root, args, ctx) => abortable((signal) => followLogs(ctx, args, signal)),
    resolve: (event) => event,
  }),
);
