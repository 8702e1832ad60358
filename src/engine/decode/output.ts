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
    return this.frames
      .push(chunk)
      .flatMap((frame) =>
        frame.stream === 'stdin' ? [] : [{ stream: frame.stream, data: frame.data }],
      );
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

  write(stream: OutputStreamName, data: Buffer): string {
    return this.decoders[stream].write(data);
  }

  /** What is left of a character cut short at the end (as U+FFFD). */
  end(stream: OutputStreamName): string {
    return this.decoders[stream].end();
  }
}
