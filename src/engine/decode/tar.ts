import { StreamDecodeError } from './multiplexed.ts';

/**
 * The engine's archive format (`GET /containers/{id}/archive`, Go's archive/tar): 512-byte ustar
 * headers, with pax extended headers (`x`) and GNU long names (`L`, `K`) for what does not fit.
 * Decoded as it arrives and bounded: only headers and their metadata are buffered, file data
 * passes through as `data` events. A name that is absolute or climbs out with `..` fails the
 * whole archive: what comes after such an entry is never acted on.
 */
export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface TarHeader {
  /** As stored (pax `path` or GNU long name first), e.g. `./etc/hostname` or `d/`. */
  name: string;
  type: TarEntryType;
  /** Bytes of data that follow the header (0 for links and directories). */
  size: number;
  /** Permission bits (with setuid, setgid, sticky). */
  mode: number;
  mtime: Date;
  /** A symlink's target as written in it, or the entry a hard link names; '' otherwise. */
  linkName: string;
}

export type TarEvent =
  | { kind: 'entry'; header: TarHeader }
  | { kind: 'data'; bytes: Buffer }
  /** The end-of-archive block: nothing after it is read. */
  | { kind: 'end' };

const BLOCK = 512;
/** pax records and GNU long names are a few hundred bytes; a peer claiming more is not a tar. */
export const DEFAULT_MAX_META = 64 * 1024;

type State =
  | { kind: 'header' }
  | { kind: 'data'; remaining: number; pad: number }
  | { kind: 'meta'; flag: string; size: number; pad: number }
  | { kind: 'pad'; remaining: number }
  | { kind: 'done' };

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '5': 'directory',
};

/** Not absolute and no `..` component: a name that stays inside wherever it is unpacked. */
export function isContainedPath(name: string): boolean {
  return !name.startsWith('/') && !name.split('/').includes('..');
}

const padOf = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return (nul === -1 ? field : field.subarray(0, nul)).toString('utf8');
}

/** An octal field, or GNU's base-256 (first byte 0x80) for sizes over 8 GiB. */
function numeric(block: Buffer, start: number, length: number, what: string): number {
  const field = block.subarray(start, start + length);
  if (((field[0] as number) & 0x80) !== 0) {
    if (field[0] !== 0x80) throw new StreamDecodeError(`tar header: negative ${what}`);
    let value = 0;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new StreamDecodeError(`tar header: ${what} too large`);
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new StreamDecodeError(`tar header: ${what} is not octal`);
  return Number.parseInt(digits, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = numeric(block, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record. */
function paxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    const length = space === -1 ? Number.NaN : Number(body.toString('ascii', offset, space));
    if (!Number.isSafeInteger(length) || length <= space - offset || offset + length > body.length)
      throw new StreamDecodeError('tar pax header: malformed record');
    const record = body.toString('utf8', space + 1, offset + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new StreamDecodeError('tar pax header: record without a key');
    records.set(record.slice(0, eq), record.slice(eq + 1));
    offset += length;
  }
  return records;
}

export class TarDecoder {
  private state: State = { kind: 'header' };
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** What pax and GNU headers said of the next entry. */
  private next: { name?: string; linkName?: string; size?: number; mtime?: number } = {};
  private failure: Error | undefined;
  private readonly maxMeta: number;

  constructor(maxMeta = DEFAULT_MAX_META) {
    this.maxMeta = maxMeta;
  }

  /** True once the end-of-archive block was read. */
  get finished(): boolean {
    return this.state.kind === 'done';
  }

  /** The events in `chunk`; a failure after some of them is held for `throwIfFailed`. */
  push(chunk: Buffer): TarEvent[] {
    this.throwIfFailed();
    const events: TarEvent[] = [];
    try {
      this.decode(chunk, events);
    } catch (error) {
      if (events.length === 0) throw error;
      this.failure = error as Error;
    }
    return events;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** The stream ended: anything but a clean end (or a boundary between entries) is a cut archive. */
  end(): void {
    this.throwIfFailed();
    if (this.state.kind !== 'done' && (this.state.kind !== 'header' || this.partialBytes > 0))
      throw new StreamDecodeError('the tar archive ends inside an entry');
  }

  /** Gathers `size` bytes from `chunk` at `offset`; the whole when complete, and the new offset. */
  private gather(chunk: Buffer, offset: number, size: number): [Buffer | undefined, number] {
    const take = Math.min(size - this.partialBytes, chunk.length - offset);
    this.partial.push(chunk.subarray(offset, offset + take));
    this.partialBytes += take;
    if (this.partialBytes < size) return [undefined, offset + take];
    const whole = Buffer.concat(this.partial, size);
    this.partial = [];
    this.partialBytes = 0;
    return [whole, offset + take];
  }

  private decode(chunk: Buffer, events: TarEvent[]): void {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case 'done':
          return;
        case 'header': {
          const [block, at] = this.gather(chunk, offset, BLOCK);
          offset = at;
          if (block) this.header(block, events);
          break;
        }
        case 'data': {
          const take = Math.min(state.remaining, chunk.length - offset);
          events.push({ kind: 'data', bytes: chunk.subarray(offset, offset + take) });
          offset += take;
          state.remaining -= take;
          if (state.remaining === 0) this.state = this.afterData(state.pad);
          break;
        }
        case 'meta': {
          const [body, at] = this.gather(chunk, offset, state.size);
          offset = at;
          if (body) {
            this.meta(state.flag, body);
            this.state = this.afterData(state.pad);
          }
          break;
        }
        case 'pad': {
          const take = Math.min(state.remaining, chunk.length - offset);
          offset += take;
          state.remaining -= take;
          if (state.remaining === 0) this.state = { kind: 'header' };
          break;
        }
      }
    }
  }

  private afterData(pad: number): State {
    return pad > 0 ? { kind: 'pad', remaining: pad } : { kind: 'header' };
  }

  private header(block: Buffer, events: TarEvent[]): void {
    if (block.every((byte) => byte === 0)) {
      this.state = { kind: 'done' };
      events.push({ kind: 'end' });
      return;
    }
    if (!checksumMatches(block)) throw new StreamDecodeError('tar header: bad checksum');
    const flag = String.fromCharCode(block[156] as number);
    const stated = numeric(block, 124, 12, 'size');
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const size = stated;
      if (size > this.maxMeta) {
        throw new StreamDecodeError(`tar ${flag} header of ${size} bytes exceeds ${this.maxMeta}`);
      }
      this.state = size === 0 ? { kind: 'header' } : { kind: 'meta', flag, size, pad: padOf(size) };
      return;
    }
    const size = this.next.size ?? stated;
    // POSIX ustar splits long names into prefix/name; GNU's magic ("ustar  ") has no prefix.
    const prefix = block.toString('ascii', 257, 263) === 'ustar\0' ? text(block, 345, 155) : '';
    const stored = text(block, 0, 100);
    const header: TarHeader = {
      name: this.next.name ?? (prefix ? `${prefix}/${stored}` : stored),
      type: TYPES[flag] ?? 'other',
      size,
      mode: numeric(block, 100, 8, 'mode') & 0o7777,
      mtime: new Date((this.next.mtime ?? numeric(block, 136, 12, 'mtime')) * 1000),
      linkName: this.next.linkName ?? text(block, 157, 100),
    };
    this.next = {};
    if (
      !isContainedPath(header.name) ||
      (header.type === 'hardlink' && !isContainedPath(header.linkName))
    )
      throw new StreamDecodeError(`tar entry "${header.name}" is absolute or climbs out with ".."`);
    events.push({ kind: 'entry', header });
    this.state =
      size === 0 ? { kind: 'header' } : { kind: 'data', remaining: size, pad: padOf(size) };
  }

  private meta(flag: string, body: Buffer): void {
    if (flag === 'L') this.next.name = text(body, 0, body.length);
    else if (flag === 'K') this.next.linkName = text(body, 0, body.length);
    else if (flag === 'x') {
      const records = paxRecords(body);
      const path = records.get('path');
      const linkPath = records.get('linkpath');
      const size = records.get('size');
      const mtime = records.get('mtime');
      if (path !== undefined) this.next.name = path;
      if (linkPath !== undefined) this.next.linkName = linkPath;
      if (size !== undefined) {
        if (!/^\d+$/.test(size) || !Number.isSafeInteger(Number(size)))
          throw new StreamDecodeError('tar pax header: bad size');
        this.next.size = Number(size);
      }
      if (mtime !== undefined && Number.isFinite(Number(mtime))) this.next.mtime = Number(mtime);
    }
    // `g` (global pax records) says nothing Wharf reads.
  }
}

/**
 * A tar body decoded chunk by chunk: each chunk with its events, once its headers have passed the
 * checks (so a caller passing chunks on never passes an unsafe entry). The body is destroyed
 * however the iteration ends: its end, a failure, or the caller leaving early.
 */
export async function* tarChunks(
  body: AsyncIterable<Buffer> & { destroy(): void },
): AsyncGenerator<{ chunk: Buffer; events: TarEvent[] }> {
  const decoder = new TarDecoder();
  try {
    for await (const chunk of body) {
      const events = decoder.push(chunk);
      decoder.throwIfFailed();
      yield { chunk, events };
      if (decoder.finished) return;
    }
    decoder.end();
  } finally {
    body.destroy();
  }
}
