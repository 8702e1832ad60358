import { StringDecoder } from 'node:string_decoder';
import type { Framing } from './framing.ts';
import { MultiplexedDecoder } from './multiplexed.ts';

/** The streams a process writes to; what logs and exec output are tagged with. */
export type OutputStreamName = 'stdout' | 'stderr';

/** Bytes one stream carried: one frame of a multiplexed body, or one read of a raw (TTY) one. */
export interface OutputChunk {
  stream: OutputStreamName;
  data: Buffer;
}

/**
 * Engine output bytes → stream-tagged chunks, for either framing. Logs, exec attach and one-shot
 * exec all read their bodies through this. A raw body has no streams apart: it is all stdout.
 * Frames on stdin (never sent for output) are dropped.
 */
export class OutputDecoder {
  readonly framing: Framing;
  private readonly frames: MultiplexedDecoder | undefined;

  constructor(framing: Framing) {
    this.framing = framing;
    this.frames = framing === 'multiplexed' ? new MultiplexedDecoder() : undefined;
  }

  push(chunk: Buffer): OutputChunk[] {
    if (!this.frames) return [{ stream: 'stdout', data: chunk }];
    // A log body is a frame per line: frames go on as they are, not copied one by one.
    return this.frames
      .push(chunk)
      .filter((frame): frame is OutputChunk => frame.stream !== 'stdin');
  }

  /** A bad frame after good ones in one chunk: `push` returned the good chunks, this throws. */
  throwIfFailed(): void {
    this.frames?.throwIfFailed();
  }

  /** The body ended: a frame cut short is an error. */
  end(): void {
    this.frames?.end();
  }
}

/** UTF-8 text per stream: a character cut between two chunks of one stream arrives whole. */
export class StreamText {
  private readonly decoders: Record<OutputStreamName, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  /** Streams whose decoder holds no part of a character: their last chunk ended in ASCII. */
  private readonly clean: Record<OutputStreamName, boolean> = { stdout: true, stderr: true };

  /** The text of `data` from byte `start` on. */
  write(stream: OutputStreamName, data: Buffer, start = 0): string {
    const endsInAscii = data.length === start || (data[data.length - 1] as number) < 0x80;
    // A log message is a line ending in `\n`: with nothing held back, no character can be cut, and
    // the bytes decode as they are (a StringDecoder call and a slice per line saved).
    if (this.clean[stream] && endsInAscii) return data.toString('utf8', start);
    this.clean[stream] = endsInAscii;
    return this.decoders[stream].write(start === 0 ? data : data.subarray(start));
  }

  /** What is left of a character cut short at the end (as U+FFFD). */
  end(stream: OutputStreamName): string {
    this.clean[stream] = true;
    return this.decoders[stream].end();
  }
}
