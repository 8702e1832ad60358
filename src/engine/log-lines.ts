import { StringDecoder } from 'node:string_decoder';
import type { Framing } from './decode/framing.ts';
import { MultiplexedDecoder } from './decode/multiplexed.ts';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  text: string;
  /** RFC 3339 with nanoseconds, as the engine wrote it; only when timestamps were asked for. */
  timestamp: string | null;
}

interface PendingLine {
  decoder: StringDecoder;
  text: string;
  timestamp: string | null;
}

const SPACE = 0x20;
/** `2006-01-02T15:04:05.999999999Z07:00` is at most 35 bytes; look a little further for safety. */
const MAX_TIMESTAMP = 40;

/**
 * Turns engine log messages into whole lines, per stream. The engine cuts lines longer than 16 KiB
 * into several messages (each with its own timestamp prefix) and ends only the last with `\n`; the
 * pieces are joined here, and bytes go through one UTF-8 decoder per stream so a character cut
 * between two messages stays intact.
 */
export class LogLineAssembler {
  private readonly timestamps: boolean;
  /** Raw (TTY) streams carry timestamps inside the text, at each line start. */
  private rawStream = false;
  private readonly pending: Record<LogStream, PendingLine> = {
    stdout: { decoder: new StringDecoder('utf8'), text: '', timestamp: null },
    stderr: { decoder: new StringDecoder('utf8'), text: '', timestamp: null },
  };

  constructor(options: { timestamps: boolean }) {
    this.timestamps = options.timestamps;
  }

  /** One message of a multiplexed stream: a frame, timestamp first when asked for. */
  message(stream: LogStream, payload: Buffer): LogLine[] {
    const line = this.pending[stream];
    let body = payload;
    if (this.timestamps) {
      const space = payload.subarray(0, MAX_TIMESTAMP).indexOf(SPACE);
      if (space > 0) {
        if (line.text === '') line.timestamp = payload.subarray(0, space).toString('latin1');
        body = payload.subarray(space + 1);
      }
    }
    line.text += line.decoder.write(body);
    return this.takeLines(stream);
  }

  /** A chunk of a raw (TTY) stream: no message boundaries, so timestamps are read at line starts. */
  raw(chunk: Buffer): LogLine[] {
    this.rawStream = true;
    const line = this.pending.stdout;
    line.text += line.decoder.write(chunk);
    return this.takeLines('stdout');
  }

  /** The stream ended: a last line without `\n` is still a line. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const line = this.pending[stream];
      line.text += line.decoder.end();
      if (line.text !== '') lines.push(this.emit(stream, line.text, line.timestamp));
      line.text = '';
      line.timestamp = null;
    }
    return lines;
  }

  private takeLines(stream: LogStream): LogLine[] {
    const line = this.pending[stream];
    const lines: LogLine[] = [];
    let start = 0;
    let newline = line.text.indexOf('\n');
    while (newline !== -1) {
      lines.push(this.emit(stream, line.text.slice(start, newline), line.timestamp));
      line.timestamp = null;
      start = newline + 1;
      newline = line.text.indexOf('\n', start);
    }
    line.text = line.text.slice(start);
    return lines;
  }

  private emit(stream: LogStream, raw: string, timestamp: string | null): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.rawStream && this.timestamps) {
      const space = text.indexOf(' ');
      if (space > 0 && space < MAX_TIMESTAMP) {
        return { stream, text: text.slice(space + 1), timestamp: text.slice(0, space) };
      }
    }
    return { stream, text, timestamp };
  }
}

/**
 * Engine log bytes → whole lines, for either framing: multiplexed frames (one message each) or a
 * raw TTY stream. Frames on stdin (never sent for logs) are ignored.
 */
export class LogDecoder {
  private readonly assembler: LogLineAssembler;
  private readonly frames: MultiplexedDecoder | undefined;

  constructor(framing: Framing, options: { timestamps: boolean }) {
    this.assembler = new LogLineAssembler(options);
    this.frames = framing === 'multiplexed' ? new MultiplexedDecoder() : undefined;
  }

  push(chunk: Buffer): LogLine[] {
    if (!this.frames) return this.assembler.raw(chunk);
    return this.frames
      .push(chunk)
      .flatMap((frame) =>
        frame.stream === 'stdin' ? [] : this.assembler.message(frame.stream, frame.data),
      );
  }

  /** The stream ended: a frame cut short is an error; an unterminated last line is a line. */
  end(): LogLine[] {
    this.frames?.end();
    return this.assembler.flush();
  }
}
