import { StringDecoder } from 'node:string_decoder';

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
    return this.takeLines(stream, false);
  }

  /** A chunk of a raw (TTY) stream: no message boundaries, so timestamps are read at line starts. */
  raw(chunk: Buffer): LogLine[] {
    const line = this.pending.stdout;
    line.text += line.decoder.write(chunk);
    return this.takeLines('stdout', true);
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

  private takeLines(stream: LogStream, timestampsInText: boolean): LogLine[] {
    const line = this.pending[stream];
    const lines: LogLine[] = [];
    let newline = line.text.indexOf('\n');
    while (newline !== -1) {
      let text = line.text.slice(0, newline);
      let timestamp = line.timestamp;
      if (timestampsInText && this.timestamps) {
        const space = text.indexOf(' ');
        if (space > 0 && space < MAX_TIMESTAMP) {
          timestamp = text.slice(0, space);
          text = text.slice(space + 1);
        }
      }
      lines.push(this.emit(stream, text, timestamp));
      line.text = line.text.slice(newline + 1);
      line.timestamp = null;
      newline = line.text.indexOf('\n');
    }
    return lines;
  }

  private emit(stream: LogStream, text: string, timestamp: string | null): LogLine {
    return { stream, text: text.endsWith('\r') ? text.slice(0, -1) : text, timestamp };
  }
}
