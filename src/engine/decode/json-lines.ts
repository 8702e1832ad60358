import { StreamDecodeError } from './multiplexed.ts';

/**
 * Newline-delimited JSON as the engine streams it (`/events`, `/containers/{id}/stats`, pull
 * progress of `/images/create`): one JSON value per line, lines ended by `\n` or `\r\n`.
 */

/** Engine progress and stats lines are a few KiB; a megabyte without a newline is a broken peer. */
export const DEFAULT_MAX_LINE = 1024 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** How much of a bad line an error message quotes. */
const PREVIEW_CHARS = 80;

function preview(text: string): string {
  // Code points, not UTF-16 units, so a surrogate pair is never cut in half.
  const points = [...text.slice(0, PREVIEW_CHARS * 2)];
  const head = points.slice(0, PREVIEW_CHARS).join('');
  return points.length > PREVIEW_CHARS ? `${head}…` : head;
}

/** JSON.parse's reviver, with the source text of primitives (exact 64-bit integers need it). */
export type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown;

export class JsonLinesDecoder<T = unknown> {
  private readonly maxLine: number;
  private readonly reviver: Reviver | undefined;
  /** Raw bytes of the line so far: decoded only once complete, so a split UTF-8 char stays intact. */
  private pending: Buffer[] = [];
  private pendingSize = 0;
  /** A failure met after good lines in the same chunk: those are returned first, this next. */
  private failure: Error | undefined;

  constructor(maxLine = DEFAULT_MAX_LINE, reviver?: Reviver) {
    this.maxLine = maxLine;
    this.reviver = reviver;
  }

  /** Parses every line `chunk` completes; keeps the unfinished rest. */
  push(chunk: Buffer): T[] {
    this.throwIfFailed();
    const values: T[] = [];
    try {
      this.decodeInto(chunk, values);
    } catch (error) {
      if (values.length === 0) throw error;
      this.failure = error as Error;
    }
    return values;
  }

  /** Throws the failure that `push` held back so the values before it could be delivered. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private decodeInto(chunk: Buffer, values: T[]): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const piece = chunk.subarray(start, newline);
      // The same cap for a line that arrives whole, so the outcome never depends on chunking.
      this.checkSize(piece.length);
      const line = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.pendingSize = 0;
      this.parseInto(line, values);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      // Checked before buffering, so an endless line costs at most `maxLine` bytes.
      this.checkSize(rest.length);
      // A copy: a small tail must not pin the caller's whole chunk in memory.
      this.pending.push(Buffer.from(rest));
      this.pendingSize += rest.length;
    }
  }

  /** The stream ended: a last line without newline counts if it is complete JSON. */
  end(): T[] {
    this.throwIfFailed();
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingSize = 0;
    const text = line.toString('utf8').trim();
    if (text === '') return [];
    try {
      return [this.parse(text)];
    } catch {
      throw new StreamDecodeError(
        `stream ended inside a JSON line (${line.length} bytes left over): ${preview(text)}`,
      );
    }
  }

  private parse(text: string): T {
    return JSON.parse(text, this.reviver as Parameters<typeof JSON.parse>[1]) as T;
  }

  private checkSize(more: number): void {
    if (this.pendingSize + more > this.maxLine) {
      this.pending = [];
      this.pendingSize = 0;
      throw new StreamDecodeError(`a JSON line exceeds the ${this.maxLine} byte cap`);
    }
  }

  private parseInto(line: Buffer, values: T[]): void {
    const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? -1 : undefined;
    const text = line.subarray(0, end).toString('utf8');
    if (text.trim() === '') return;
    try {
      values.push(this.parse(text));
    } catch {
      throw new StreamDecodeError(`the engine sent a line that is not JSON: ${preview(text)}`);
    }
  }
}

/** Yields each value as soon as its line is complete; throws StreamDecodeError like the decoder. */
export async function* jsonLines<T = unknown>(
  body: AsyncIterable<Buffer>,
  maxLine?: number,
  reviver?: Reviver,
): AsyncGenerator<T> {
  const decoder = new JsonLinesDecoder<T>(maxLine, reviver);
  for await (const chunk of body) {
    yield* decoder.push(chunk);
    decoder.throwIfFailed();
  }
  yield* decoder.end();
}
