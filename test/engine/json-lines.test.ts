import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_LINE,
  JsonLinesDecoder,
  jsonLines,
} from '../../src/engine/decode/json-lines.ts';
import { StreamDecodeError } from '../../src/engine/decode/multiplexed.ts';
import { thrown } from '../helpers/errors.ts';

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */

function decodeInChunks(chunks: Buffer[], maxLine?: number): unknown[] {
  const decoder = new JsonLinesDecoder(maxLine);
  const values: unknown[] = [];
  for (const chunk of chunks) values.push(...decoder.push(chunk));
  values.push(...decoder.end());
  return values;
}

async function* chunksOf(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

/** What the engine streams: an event, stats, pull progress, with multi-byte text in between. */
const values = [
  { status: 'start', id: 'abc123', Actor: { Attributes: { name: 'café-€-𝄞' } }, time: 1 },
  { read: '2024-01-01T00:00:00Z', cpu_stats: { online_cpus: 2 }, memory_stats: { usage: 42 } },
  { status: 'Downloading', progressDetail: { current: 10, total: 20 }, id: 'ünïcödé ✓' },
  { message: '日本語のテキスト' },
  [1, 'two', null],
  'a string line',
];
const fixture = Buffer.from(`${values.map((value) => JSON.stringify(value)).join('\n')}\n`, 'utf8');

describe('JsonLinesDecoder', () => {
  it('decodes a whole stream in one push', () => {
    expect(decodeInChunks([fixture])).toEqual(values);
  });

  it('decodes the same when split in two at every byte offset (multi-byte chars included)', () => {
    for (let cut = 0; cut <= fixture.length; cut++) {
      const got = decodeInChunks([fixture.subarray(0, cut), fixture.subarray(cut)]);
      expect(got, `cut at ${cut}`).toEqual(values);
    }
  });

  it('decodes the same when fed byte by byte', () => {
    expect(decodeInChunks([...fixture].map((byte) => Buffer.from([byte])))).toEqual(values);
  });

  it('decodes the same split in three at every pair of offsets of a short stream', () => {
    const bytes = Buffer.from('{"a":"é"}\n{"b":"𝄞"}\r\n\n[1]\n', 'utf8');
    const want = [{ a: 'é' }, { b: '𝄞' }, [1]];
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const got = decodeInChunks([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
        expect(got, `cuts at ${a}, ${b}`).toEqual(want);
      }
    }
  });

  it('returns several values from one chunk, in order', () => {
    const decoder = new JsonLinesDecoder();
    expect(decoder.push(Buffer.from('{"n":1}\n{"n":2}\n{"n":3}\n{"n":'))).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    expect(decoder.push(Buffer.from('4}\n'))).toEqual([{ n: 4 }]);
    expect(decoder.end()).toEqual([]);
  });

  it('returns a value as soon as its newline arrives, not before', () => {
    const decoder = new JsonLinesDecoder();
    expect(decoder.push(Buffer.from('{"id":"x"}'))).toEqual([]);
    expect(decoder.push(Buffer.from('\n'))).toEqual([{ id: 'x' }]);
  });

  it('handles \\r\\n endings, also when \\r and \\n arrive in different chunks', () => {
    expect(decodeInChunks([Buffer.from('{"a":1}\r\n{"b":2}\r\n')])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(decodeInChunks([Buffer.from('{"a":1}\r'), Buffer.from('\n{"b":2}\r\n')])).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
  });

  it('ignores empty and blank lines', () => {
    const bytes = Buffer.from('\n\n{"a":1}\n\r\n   \n\t\r\n{"b":2}\n\n', 'utf8');
    expect(decodeInChunks([bytes])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(decodeInChunks([Buffer.from('\n\r\n\n')])).toEqual([]);
  });

  it('does not let a returned value change when later chunks arrive', () => {
    const decoder = new JsonLinesDecoder<{ s: string }>();
    const chunk = Buffer.from('{"s":"keep"}\n{"s":"pa');
    const [first] = decoder.push(chunk);
    chunk.fill(0x20);
    expect(decoder.push(Buffer.from('rt"}\n'))).toEqual([{ s: 'part' }]);
    expect(first).toEqual({ s: 'keep' });
  });

  it('decodes a line that is exactly maxLine bytes', () => {
    const line = JSON.stringify({ pad: 'x'.repeat(100) });
    expect(decodeInChunks([Buffer.from(`${line}\n`)], line.length)).toEqual([
      { pad: 'x'.repeat(100) },
    ]);
  });

  describe('errors', () => {
    it('rejects a line that is not JSON with STREAM_DECODE_ERROR, after the good lines before it', () => {
      const decoder = new JsonLinesDecoder();
      expect(decoder.push(Buffer.from('{"ok":1}\nnot json at all\n'))).toEqual([{ ok: 1 }]);
      const error = thrown(() => decoder.throwIfFailed());
      expect(thrown(() => decoder.end())).toBe(error);
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as StreamDecodeError).code).toBe('STREAM_DECODE_ERROR');
      expect((error as Error).message).toContain('not json at all');
    });

    it('quotes at most 80 characters of a bad line', () => {
      const bad = `<html>${'y'.repeat(500)}`;
      const error = thrown(() => new JsonLinesDecoder().push(Buffer.from(`${bad}\n`)));
      expect(error).toBeInstanceOf(StreamDecodeError);
      const message = (error as Error).message;
      expect(message).toContain(bad.slice(0, 80));
      expect(message).not.toContain(bad.slice(0, 81));
    });

    it('rejects a partial line as soon as its pending bytes exceed maxLine', () => {
      const cap = 1024 * 1024;
      const decoder = new JsonLinesDecoder(cap);
      const line = Buffer.alloc(2 * cap, 'a'); // 2 MiB, no newline
      const chunkSize = 64 * 1024;
      let thrownAt: number | undefined;
      let error: unknown;
      for (let offset = 0; offset < line.length; offset += chunkSize) {
        try {
          expect(decoder.push(line.subarray(offset, offset + chunkSize))).toEqual([]);
        } catch (caught) {
          error = caught;
          thrownAt = offset + chunkSize;
          break;
        }
      }
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as StreamDecodeError).code).toBe('STREAM_DECODE_ERROR');
      // The first chunk that takes the pending bytes past 1 MiB, not later.
      expect(thrownAt).toBe(cap + chunkSize);
    });

    it('rejects an over-long line that arrives whole, like one that arrives in pieces', () => {
      const line = `${JSON.stringify({ pad: 'x'.repeat(64) })}\n`;
      expect(() => new JsonLinesDecoder(32).push(Buffer.from(line))).toThrow(StreamDecodeError);
      expect(() =>
        decodeInChunks([Buffer.from(line.slice(0, 20)), Buffer.from(line.slice(20))], 32),
      ).toThrow(StreamDecodeError);
    });

    it('applies a default cap of 1 MiB', () => {
      expect(DEFAULT_MAX_LINE).toBe(1024 * 1024);
      const decoder = new JsonLinesDecoder();
      expect(decoder.push(Buffer.alloc(DEFAULT_MAX_LINE, 'a'))).toEqual([]);
      expect(() => decoder.push(Buffer.from('a'))).toThrow(StreamDecodeError);
    });
  });

  describe('end()', () => {
    it('parses a final line without newline when it is complete JSON', () => {
      const decoder = new JsonLinesDecoder();
      expect(decoder.push(Buffer.from('{"a":1}\n{"b":2}'))).toEqual([{ a: 1 }]);
      expect(decoder.end()).toEqual([{ b: 2 }]);
    });

    it('throws STREAM_DECODE_ERROR for a truncated final line', () => {
      const decoder = new JsonLinesDecoder();
      expect(decoder.push(Buffer.from('{"a":1}\n{"status":"Downl'))).toEqual([{ a: 1 }]);
      const error = thrown(() => decoder.end());
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as StreamDecodeError).code).toBe('STREAM_DECODE_ERROR');
      expect((error as Error).message).toMatch(/ended inside/);
    });

    it('throws for every truncation point inside a line of a valid stream', () => {
      const bytes = Buffer.from('{"a":"é"}\n{"b":[1,2]}\n', 'utf8');
      const lineEnds = new Set([0, bytes.indexOf('\n') + 1, bytes.length]);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const run = () => decodeInChunks([bytes.subarray(0, cut)]);
        // A cut just before a newline leaves a complete value, which end() accepts.
        if (lineEnds.has(cut) || lineEnds.has(cut + 1)) expect(run, `cut at ${cut}`).not.toThrow();
        else expect(run, `cut at ${cut}`).toThrow(StreamDecodeError);
      }
    });

    it('returns nothing after clean input, blank leftovers or no input at all', () => {
      expect(new JsonLinesDecoder().end()).toEqual([]);
      const decoder = new JsonLinesDecoder();
      decoder.push(Buffer.from('{"a":1}\n  \r'));
      expect(decoder.end()).toEqual([]);
    });
  });
});

describe('jsonLines', () => {
  it('yields every value across chunk boundaries', async () => {
    const got: unknown[] = [];
    for await (const value of jsonLines(
      chunksOf(
        '{"a":',
        '1}\n{"b":"é',
        Buffer.from([0xe2, 0x82]),
        Buffer.from([0xac]),
        '"}\n',
        '{"c":3}',
      ),
    )) {
      got.push(value);
    }
    expect(got).toEqual([{ a: 1 }, { b: 'é€' }, { c: 3 }]);
  });

  it('yields each value as it arrives, before the stream ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* body(): AsyncGenerator<Buffer> {
      yield Buffer.from('{"first":true}\n');
      await gate;
      yield Buffer.from('{"second":true}\n');
    }
    const iterator = jsonLines<{ first?: boolean; second?: boolean }>(body());
    expect(await iterator.next()).toEqual({ done: false, value: { first: true } });
    release();
    expect(await iterator.next()).toEqual({ done: false, value: { second: true } });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('throws STREAM_DECODE_ERROR through the iterator for a bad line', async () => {
    const iterator = jsonLines(chunksOf('{"ok":1}\n', 'garbage\n'));
    expect(await iterator.next()).toEqual({ done: false, value: { ok: 1 } });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'STREAM_DECODE_ERROR' });
  });

  it('throws for a truncated final line and honours maxLine', async () => {
    const truncated = async () => {
      for await (const _ of jsonLines(chunksOf('{"a":1}\n{"b"'))) {
        // drain
      }
    };
    await expect(truncated()).rejects.toBeInstanceOf(StreamDecodeError);
    const tooLong = async () => {
      for await (const _ of jsonLines(chunksOf('{"pad":"', 'x'.repeat(100)), 64)) {
        // drain
      }
    };
    await expect(tooLong()).rejects.toBeInstanceOf(StreamDecodeError);
  });
});
