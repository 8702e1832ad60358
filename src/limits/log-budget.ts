import { ResponseTooLargeError } from '../engine/errors.ts';
import { jsonSize } from './json-size.ts';
import { LIMIT_VARIABLES } from './limits.ts';
import { chargeResponseBytes } from './operation-scope.ts';

/** Room taken by a line's stream, timestamp, cursor and punctuation in the JSON answer. */
const LINE_OVERHEAD = 64;

/**
 * The log byte cap, counted twice: raw bytes read (bounds memory while a long line is still being
 * joined) and each line's JSON size (a NUL is six bytes there). Lines also count against the
 * operation's response budget as they arrive.
 */
export class LogBudget {
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

  line(line: { text: string }): void {
    const size = jsonSize(line.text) + LINE_OVERHEAD;
    this.json += size;
    if (this.json > this.max) this.tooLarge();
    chargeResponseBytes(size);
  }

  private tooLarge(): never {
    throw new ResponseTooLargeError(
      `these logs exceed the log byte cap (${LIMIT_VARIABLES.maxLogBytes}); ask for fewer lines (tail) or a window (since, until)`,
    );
  }
}
