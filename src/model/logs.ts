import type { Principal } from '../auth/principal.ts';
import { envValueHider } from '../auth/redact.ts';
import type { EngineApi } from '../engine/api.ts';
import { containerLogs, inspectContainer, streamContainerLogs } from '../engine/containers.ts';
import { type Framing, framingOf } from '../engine/decode/framing.ts';
import {
  BadUserInputError,
  EngineConflictError,
  EngineNotFoundError,
  isUnavailableCause,
  WharfError,
} from '../engine/errors.ts';
import { LogDecoder, type LogLine, type LogStream } from '../engine/log-lines.ts';
import type { StreamResponse } from '../engine/transport.ts';
import { lastExitCode } from './exit-code.ts';
import { containerToFollow } from './followed-container.ts';

/** A line as clients get it: the engine's timestamp is always the cursor, shown only if asked. */
export interface LogEntry extends LogLine {
  cursor: string | null;
  /** Service logs: the keys of the task that wrote the line and of its node. */
  task?: string | null;
  swarmNode?: string | null;
}

export type LogEndReason = 'EXITED' | 'REMOVED' | 'ENGINE_GONE' | 'HISTORY_END';

export interface LogLines {
  kind: 'lines';
  lines: LogEntry[];
}

export interface LogEnd {
  kind: 'end';
  reason: LogEndReason;
  exitCode: number | null;
}

/** What a log stream yields: batches of lines, then one end. */
export type LogEvent = LogLines | LogEnd;

/** Which lines to read. Timestamps are always asked of the engine (they are the cursors). */
export interface LogSelection {
  stdout: boolean;
  stderr: boolean;
  /** Only the last N lines; checked with `checkTail`. */
  tail?: number | null | undefined;
  since?: Date | null | undefined;
  /** Show each line's timestamp (its cursor is there either way). */
  timestamps: boolean;
}

export function entries(
  lines: LogLine[],
  timestamps: boolean,
  hide: (text: string) => string = (text) => text,
): LogEntry[] {
  return lines.map((line) => ({
    stream: line.stream,
    text: hide(line.text),
    timestamp: timestamps ? line.timestamp : null,
    cursor: line.timestamp,
  }));
}

/** The engine's `since`/`until`: Unix seconds, with the milliseconds as a fraction. */
export function seconds(date: Date | null | undefined): number | undefined {
  return date ? date.getTime() / 1000 : undefined;
}

/** `tail` as the engine takes it: absent means all lines. */
export function checkTail(tail: number | null | undefined): number | undefined {
  if (tail === null || tail === undefined) return undefined;
  if (tail < 0) throw new BadUserInputError('tail must be 0 or more');
  return tail;
}

/** Bounds a history read; each method throws to stop it. */
export interface HistoryBudget {
  /** Raw bytes as they arrive (bounds memory while a long line is still being joined). */
  read(bytes: number): void;
  /** A whole line, as it is kept. */
  line(line: LogLine): void;
}

/**
 * A container's log history (no follow), read as a stream so a history over the budget is cut off
 * rather than buffered whole. `tty` (is the container's output raw?) is asked while the read
 * starts; the response's content type wins over it where the engine sets one.
 */
export async function readLogHistory(
  api: EngineApi,
  id: string,
  selection: LogSelection & { until?: Date | null | undefined },
  options: { tty: () => Promise<boolean>; budget: HistoryBudget; signal?: AbortSignal | undefined },
): Promise<LogEntry[]> {
  const tail = checkTail(selection.tail);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const [tty, response] = await Promise.all([
    options.tty(),
    streamContainerLogs(api, id, {
      stdout: selection.stdout,
      stderr: selection.stderr,
      timestamps: true,
      tail,
      since: seconds(selection.since),
      until: seconds(selection.until),
      signal,
    }),
  ]);
  const decoder = new LogDecoder(framingOf(response.headers['content-type'], tty), {
    timestamps: true,
  });
  const { budget } = options;
  const lines: LogLine[] = [];
  const keep = (line: LogLine) => {
    budget.line(line);
    lines.push(line);
  };
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      budget.read(chunk.length);
      for (const line of decoder.push(chunk)) keep(line);
      decoder.throwIfFailed();
    }
    for (const line of decoder.end()) keep(line);
  } catch (error) {
    throw signal.aborted && signal.reason instanceof WharfError ? signal.reason : error;
  } finally {
    stop.abort();
    response.body.destroy();
  }
  return entries(lines, selection.timestamps);
}

/** Why a followed stream ended, from what the engine says of the container afterwards. */
async function endOf(api: EngineApi, id: string): Promise<LogEnd> {
  try {
    const details = await inspectContainer(api, id);
    if (details.State.Status === 'removing' || details.State.Dead) {
      return { kind: 'end', reason: 'REMOVED', exitCode: details.State.ExitCode };
    }
    return { kind: 'end', reason: 'EXITED', exitCode: lastExitCode(details.State) };
  } catch (error) {
    return goneEnd(error);
  }
}

/**
 * The end a follow's closing inspect means when it fails: the object is gone (REMOVED), or so is
 * the engine (ENGINE_GONE); any other failure is thrown.
 */
export function goneEnd(error: unknown): LogEnd {
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

/** How a log body ended: the engine closed it, went away mid-stream, or the subscriber left. */
export type BodyEnd = 'closed' | 'gone' | 'left';

/**
 * A log body's lines as the engine sends them, each read's made into one `T`; the body is
 * destroyed however it ends. Aborting `signal` ends it quietly ('left').
 */
export async function* decodedBatches<T>(
  response: StreamResponse,
  decoder: LogDecoder,
  signal: AbortSignal,
  batch: (lines: LogLine[]) => T,
): AsyncGenerator<T, BodyEnd> {
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const lines = decoder.push(chunk);
      if (lines.length > 0) yield batch(lines);
      decoder.throwIfFailed();
    }
    return 'closed';
  } catch (error) {
    if (signal.aborted) return 'left';
    if (!isUnavailableCause(error) && !(error instanceof Error && error.name === 'AbortError'))
      throw error;
    return 'gone';
  } finally {
    response.body.destroy();
  }
}

/**
 * Follows (or, with `follow: false`, reads once) a container's logs: batches of lines as the
 * engine sends them, then one LogEnd saying why the stream ended. Aborting `signal` ends it quietly.
 */
export async function* followLogs(
  principal: Principal,
  api: EngineApi,
  ref: string,
  selection: LogSelection & { follow: boolean },
  signal: AbortSignal,
): AsyncGenerator<LogEvent> {
  const tail = checkTail(selection.tail);
  const details = await containerToFollow(principal, api, ref);
  const response = await streamContainerLogs(api, details.Id, {
    follow: selection.follow,
    stdout: selection.stdout,
    stderr: selection.stderr,
    timestamps: true,
    tail,
    since: seconds(selection.since),
    signal,
  });
  const framing = framingOf(response.headers['content-type'], details.Config.Tty);
  const decoder = new LogDecoder(framing, { timestamps: true });
  const hide = envValueHider(principal, details.Config.Env ?? []);
  const batch = (lines: LogLine[]): LogLines => ({
    kind: 'lines',
    lines: entries(lines, selection.timestamps, hide),
  });
  const delivered = new DeliveredLines();
  const ended = yield* decodedBatches(response, decoder, signal, (lines) =>
    batch(delivered.add(lines)),
  );
  if (ended === 'left') return;
  if (ended === 'gone') {
    yield { kind: 'end', reason: 'ENGINE_GONE', exitCode: null };
    return;
  }
  if (!selection.follow) {
    const rest = decoder.end();
    if (rest.length > 0) yield batch(rest);
    yield { kind: 'end', reason: 'HISTORY_END', exitCode: lastExitCode(details.State) };
    return;
  }
  // The engine can close a follow when the container exits before its log copier has written the
  // last lines (Engine 20.10, seen with fast writers): read the history from where the follow
  // stopped and deliver whatever it missed.
  decoder.throwIfFailed();
  const resumeFrom = decoder.pendingSince() ?? delivered.last;
  const missed = await catchUp(api, details.Id, framing, selection, resumeFrom, delivered);
  if (missed.length > 0) yield batch(missed);
  yield await endOf(api, details.Id);
}

/**
 * What a follow delivered, so a catch-up read can skip it: the last timestamp, and how many lines
 * of each stream carried it (the trailing run of lines with that timestamp).
 */
class DeliveredLines {
  last: string | null = null;
  private readonly atLast: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  /** Only the batch's trailing run of equal timestamps is looked at, not every line. */
  add(lines: LogLine[]): LogLine[] {
    let i = lines.length - 1;
    while (i >= 0 && (lines[i] as LogLine).timestamp === null) i--;
    if (i < 0) return lines;
    const last = (lines[i] as LogLine).timestamp;
    const run: Record<LogStream, number> = { stdout: 0, stderr: 0 };
    for (; i >= 0; i--) {
      const line = lines[i] as LogLine;
      if (line.timestamp === null) continue;
      if (line.timestamp !== last) break;
      run[line.stream] += 1;
    }
    // The run reaches back to the batch's start: it continues the previous batch's run.
    if (i < 0 && last === this.last) {
      run.stdout += this.atLast.stdout;
      run.stderr += this.atLast.stderr;
    }
    this.last = last;
    this.atLast.stdout = run.stdout;
    this.atLast.stderr = run.stderr;
    return lines;
  }

  /** True for a line the follow already delivered (same timestamp, counted per stream). */
  seen(line: LogLine): boolean {
    if (line.timestamp === null || this.last === null) return false;
    if (line.timestamp < this.last) return true;
    if (line.timestamp > this.last) return false;
    if (this.atLast[line.stream] === 0) return false;
    this.atLast[line.stream] -= 1;
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
  selection: LogSelection,
  from: string | null,
  delivered: DeliveredLines,
): Promise<LogLine[]> {
  const since = from === null ? undefined : engineSince(from);
  if (since === undefined) return [];
  let response: Awaited<ReturnType<typeof containerLogs>>;
  try {
    response = await containerLogs(api, id, {
      stdout: selection.stdout,
      stderr: selection.stderr,
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
