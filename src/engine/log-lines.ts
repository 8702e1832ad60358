import type { Framing } from './decode/framing.ts';
import { OutputDecoder, type OutputStreamName, StreamText } from './decode/output.ts';

export type LogStream = OutputStreamName;

export interface LogLine {
  stream: LogStream;
  text: string;
  /** RFC 3339 with nanoseconds, as the engine wrote it; only when timestamps were asked for. */
  timestamp: string | null;
  /** Service logs' `details`: the engine's `key=value,…` attributes (task, node, service). */
  details?: string;
}

interface PendingLine {
  /** The line so far, in pieces: joined once, when its newline arrives (a 10 MB line is 640 pieces). */
  pieces: string[];
  timestamp: string | null;
  details: string | null;
}

export interface LogFormat {
  /** Each message starts with its timestamp and a space. */
  timestamps: boolean;
  /** Then (service logs asked with `details`) its attributes and a space. */
  details?: boolean;
}

const SPACE = 0x20;
/** `2006-01-02T15:04:05.999999999Z07:00` is at most 35 bytes; look a little further for safety. */
const MAX_TIMESTAMP = 40;

/** Where a message's prefix ends (its space) from `start`, or -1: a loop, not a subarray per line. */
function prefixEnd(payload: Buffer, start: number, max: number): number {
  const end = Math.min(payload.length, start + max);
  for (let i = start; i < end; i++) if (payload[i] === SPACE) return i;
  return -1;
}

/** Attributes are a few url-escaped `key=value` pairs (the swarm's three ids are ~190 bytes). */
const MAX_DETAILS = 4096;

/**
 * Turns engine log messages into whole lines, per stream. The engine cuts lines longer than 16 KiB
 * into several messages (each with its own timestamp prefix) and ends only the last with `\n`; the
 * pieces are joined here, and bytes go through one UTF-8 decoder per stream so a character cut
 * between two messages stays intact.
 */
export class LogLineAssembler {
  private readonly timestamps: boolean;
  private readonly details: boolean;
  /** Raw (TTY) streams carry timestamps inside the text, at each line start. */
  private rawStream = false;
  private readonly text = new StreamText();
  private readonly pending: Record<LogStream, PendingLine> = {
    stdout: { pieces: [], timestamp: null, details: null },
    stderr: { pieces: [], timestamp: null, details: null },
  };

  constructor(format: LogFormat) {
    this.timestamps = format.timestamps;
    this.details = format.details === true;
  }

  /**
   * One message of a multiplexed stream: a frame, timestamp first when asked for. The lines it
   * ends are added to `lines`, which is returned.
   */
  message(stream: LogStream, payload: Buffer, lines: LogLine[] = []): LogLine[] {
    const line = this.pending[stream];
    const first = line.pieces.length === 0;
    let body = 0;
    if (this.timestamps) {
      const space = prefixEnd(payload, 0, MAX_TIMESTAMP);
      if (space > 0) {
        if (first) line.timestamp = payload.toString('latin1', 0, space);
        body = space + 1;
      }
    }
    // Every piece of a line cut at 16 KiB carries the attributes again: each is taken off.
    if (this.details) {
      const space = prefixEnd(payload, body, MAX_DETAILS);
      if (space >= body) {
        if (first) line.details = payload.toString('latin1', body, space);
        body = space + 1;
      }
    }
    return this.takeLines(stream, this.text.write(stream, payload, body), lines);
  }

  /** A chunk of a raw (TTY) stream: no message boundaries, so timestamps are read at line starts. */
  raw(chunk: Buffer, lines: LogLine[] = []): LogLine[] {
    this.rawStream = true;
    return this.takeLines('stdout', this.text.write('stdout', chunk), lines);
  }

  /** The timestamp of the oldest line begun but not yet ended, if any. */
  pendingSince(): string | null {
    const starts = (['stdout', 'stderr'] as const)
      .map((stream) => this.pending[stream])
      .filter((line) => line.pieces.length > 0 && line.timestamp !== null)
      .map((line) => line.timestamp as string);
    return starts.sort()[0] ?? null;
  }

  /** The stream ended: a last line without `\n` is still a line. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const line = this.pending[stream];
      const text = line.pieces.join('') + this.text.end(stream);
      if (text !== '') lines.push(this.emit(stream, text, line));
      line.pieces = [];
      line.timestamp = null;
      line.details = null;
    }
    return lines;
  }

  /** Only the newly decoded text is searched for newlines, so a long line costs linear time. */
  private takeLines(stream: LogStream, text: string, lines: LogLine[]): LogLine[] {
    const line = this.pending[stream];
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const last = text.slice(start, newline);
      // Most lines come whole, in one message: nothing to join.
      if (line.pieces.length === 0) lines.push(this.emit(stream, last, line));
      else {
        line.pieces.push(last);
        lines.push(this.emit(stream, line.pieces.join(''), line));
        line.pieces = [];
      }
      line.timestamp = null;
      line.details = null;
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) line.pieces.push(text.slice(start));
    return lines;
  }

  private emit(stream: LogStream, raw: string, pending: PendingLine): LogLine {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let { timestamp, details } = pending;
    if (this.rawStream) {
      // Raw (TTY) lines carry their prefixes inside the text.
      if (this.timestamps) {
        const space = text.indexOf(' ');
        if (space > 0 && space < MAX_TIMESTAMP) {
          timestamp = text.slice(0, space);
          text = text.slice(space + 1);
        }
      }
      if (this.details) {
        const space = text.indexOf(' ');
        if (space >= 0 && space < MAX_DETAILS) {
          details = text.slice(0, space);
          text = text.slice(space + 1);
        }
      }
    }
    return details === null ? { stream, text, timestamp } : { stream, text, timestamp, details };
  }
}

/**
 * Engine log bytes → whole lines, for either framing: multiplexed frames (one message each) or a
 * raw TTY stream, read through the same OutputDecoder as exec output.
 */
export class LogDecoder {
  private readonly assembler: LogLineAssembler;
  private readonly output: OutputDecoder;

  constructor(framing: Framing, format: LogFormat) {
    this.assembler = new LogLineAssembler(format);
    this.output = new OutputDecoder(framing);
  }

  /** The lines `chunk` ends. */
  push(chunk: Buffer): LogLine[] {
    const raw = this.output.framing === 'raw';
    const lines: LogLine[] = [];
    for (const { stream, data } of this.output.push(chunk)) {
      if (raw) this.assembler.raw(data, lines);
      else this.assembler.message(stream, data, lines);
    }
    return lines;
  }

  /** See LogLineAssembler.pendingSince. */
  pendingSince(): string | null {
    return this.assembler.pendingSince();
  }

  /** A bad frame after good ones in one chunk: `push` returned the good lines, this throws. */
  throwIfFailed(): void {
    this.output.throwIfFailed();
  }

  /** The stream ended: a frame cut short is an error; an unterminated last line is a line. */
  end(): LogLine[] {
    this.output.end();
    return this.assembler.flush();
  }
}
