import { WharfError } from '../errors.ts';

/**
 * The engine's multiplexed stream (`application/vnd.docker.multiplexed-stream`): frames of an
 * 8-byte header [stream type, 0, 0, 0, uint32 big-endian length] and a payload.
 */
export const StreamType = { stdin: 0, stdout: 1, stderr: 2, system: 3 } as const;
export type OutputStream = 'stdin' | 'stdout' | 'stderr';

export interface Frame {
  stream: OutputStream;
  data: Buffer;
}

/** A byte stream that breaks the framing rules; the stream cannot be trusted after it. */
export class StreamDecodeError extends WharfError {
  constructor(message: string) {
    super('STREAM_DECODE_ERROR', message);
  }
}

/** Frame type 3: the daemon reports an error in-band. */
export class DaemonStreamError extends WharfError {
  constructor(message: string) {
    super('ENGINE_ERROR', message);
  }
}

const HEADER_SIZE = 8;
/** The engine writes one frame per log message (at most 16 KiB) or per exec read (32 KiB). */
export const DEFAULT_MAX_FRAME = 8 * 1024 * 1024;

const STREAM_NAMES: Record<number, OutputStream> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

export class MultiplexedDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly maxFrame: number;
  /** A failure met after good frames in the same chunk: those are returned first, this next. */
  private failure: Error | undefined;

  constructor(maxFrame = DEFAULT_MAX_FRAME) {
    this.maxFrame = maxFrame;
  }

  /** Decodes every complete frame in `chunk` plus what was left over; keeps the rest. */
  push(chunk: Buffer): Frame[] {
    this.throwIfFailed();
    const frames: Frame[] = [];
    try {
      this.decodeInto(chunk, frames);
    } catch (error) {
      if (frames.length === 0) throw error;
      this.failure = error as Error;
    }
    return frames;
  }

  /** Throws the failure that `push` held back so the frames before it could be delivered. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private decodeInto(chunk: Buffer, frames: Frame[]): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (this.pending.length - offset >= HEADER_SIZE) {
      const type = this.pending[offset] as number;
      const length = this.pending.readUInt32BE(offset + 4);
      if (type > StreamType.system) {
        throw new StreamDecodeError(`unknown stream type ${type} in multiplexed stream`);
      }
      // Checked before waiting for (and so buffering) the payload.
      if (length > this.maxFrame) {
        throw new StreamDecodeError(
          `frame of ${length} bytes exceeds the ${this.maxFrame} byte cap`,
        );
      }
      if (this.pending.length - offset - HEADER_SIZE < length) break;
      const data = this.pending.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + length);
      offset += HEADER_SIZE + length;
      if (type === StreamType.system) {
        throw new DaemonStreamError(
          data.toString('utf8').trim() || 'engine reported a stream error',
        );
      }
      frames.push({ stream: STREAM_NAMES[type] as OutputStream, data });
    }
    this.pending = this.pending.subarray(offset);
  }

  /** The stream ended: a partial frame left over means bytes were lost. */
  end(): void {
    this.throwIfFailed();
    if (this.pending.length > 0) {
      const size = this.pending.length;
      this.pending = Buffer.alloc(0);
      throw new StreamDecodeError(`stream ended inside a frame (${size} bytes left over)`);
    }
  }
}

export function decodeMultiplexed(bytes: Buffer, maxFrame?: number): Frame[] {
  const decoder = new MultiplexedDecoder(maxFrame);
  const frames = decoder.push(bytes);
  decoder.end();
  return frames;
}
