import { describe, expect, it } from 'vitest';
import {
  DaemonStreamError,
  DEFAULT_MAX_FRAME,
  decodeMultiplexed,
  type Frame,
  MultiplexedDecoder,
  StreamDecodeError,
} from '../../src/engine/decode/multiplexed.ts';
import { thrown } from '../helpers/errors.ts';

/** One frame as the engine writes it: [type, 0, 0, 0, uint32 BE length] + payload. */
function frame(type: number, payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

function header(type: number, length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes[0] = type;
  bytes.writeUInt32BE(length, 4);
  return bytes;
}

/** Frames as plain values so `toEqual` compares bytes, not Buffer identity or offsets. */
function plain(frames: Frame[]): { stream: string; hex: string }[] {
  return frames.map((f) => ({ stream: f.stream, hex: f.data.toString('hex') }));
}

function decodeInChunks(chunks: Buffer[], maxFrame?: number): Frame[] {
  const decoder = new MultiplexedDecoder(maxFrame);
  const frames: Frame[] = [];
  for (const chunk of chunks) frames.push(...decoder.push(chunk));
  decoder.end();
  return frames;
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */

const fixtures: Record<string, { bytes: Buffer; expected: { stream: string; text: string }[] }> = {
  'one stdout frame': {
    bytes: frame(1, 'hello\n'),
    expected: [{ stream: 'stdout', text: 'hello\n' }],
  },
  'stdin, stdout and stderr frames': {
    bytes: Buffer.concat([frame(0, 'in'), frame(1, 'out\n'), frame(2, 'err\n')]),
    expected: [
      { stream: 'stdin', text: 'in' },
      { stream: 'stdout', text: 'out\n' },
      { stream: 'stderr', text: 'err\n' },
    ],
  },
  'empty payloads between frames': {
    bytes: Buffer.concat([frame(1, ''), frame(2, 'x'), frame(2, ''), frame(1, '')]),
    expected: [
      { stream: 'stdout', text: '' },
      { stream: 'stderr', text: 'x' },
      { stream: 'stderr', text: '' },
      { stream: 'stdout', text: '' },
    ],
  },
  'many frames of varied sizes': {
    bytes: Buffer.concat([
      frame(1, 'a'),
      frame(2, 'bb'),
      frame(1, 'c'.repeat(300)),
      frame(2, 'd'.repeat(7)),
      frame(1, 'e'.repeat(8)),
      frame(1, 'f'.repeat(9)),
    ]),
    expected: [
      { stream: 'stdout', text: 'a' },
      { stream: 'stderr', text: 'bb' },
      { stream: 'stdout', text: 'c'.repeat(300) },
      { stream: 'stderr', text: 'd'.repeat(7) },
      { stream: 'stdout', text: 'e'.repeat(8) },
      { stream: 'stdout', text: 'f'.repeat(9) },
    ],
  },
  'multi-byte UTF-8 payloads': {
    bytes: Buffer.concat([frame(1, 'café €5 𝄞\n'), frame(2, 'ünïcödé ✓\n')]),
    expected: [
      { stream: 'stdout', text: 'café €5 𝄞\n' },
      { stream: 'stderr', text: 'ünïcödé ✓\n' },
    ],
  },
  'binary payload including header-like bytes': {
    bytes: Buffer.concat([
      frame(1, Buffer.from([3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 2])),
      frame(2, Buffer.from([0xff, 0xfe, 0x00])),
    ]),
    expected: [
      {
        stream: 'stdout',
        text: Buffer.from([3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 2]).toString('latin1'),
      },
      { stream: 'stderr', text: Buffer.from([0xff, 0xfe, 0x00]).toString('latin1') },
    ],
  },
};

function expectedPlain(expected: { stream: string; text: string }[], binary: boolean) {
  return expected.map((e) => ({
    stream: e.stream,
    hex: Buffer.from(e.text, binary ? 'latin1' : 'utf8').toString('hex'),
  }));
}

describe('MultiplexedDecoder', () => {
  for (const [name, { bytes, expected }] of Object.entries(fixtures)) {
    describe(name, () => {
      const want = expectedPlain(expected, name.startsWith('binary'));

      it('decodes in one push', () => {
        expect(plain(decodeInChunks([bytes]))).toEqual(want);
        expect(plain(decodeMultiplexed(bytes))).toEqual(want);
      });

      it('decodes the same when split in two at every byte offset', () => {
        for (let cut = 0; cut <= bytes.length; cut++) {
          const frames = decodeInChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
          expect(plain(frames), `cut at ${cut}`).toEqual(want);
        }
      });

      it('decodes the same when fed byte by byte', () => {
        const chunks = [...bytes].map((byte) => Buffer.from([byte]));
        expect(plain(decodeInChunks(chunks))).toEqual(want);
      });

      it('decodes the same when split in three at every pair of offsets', () => {
        if (bytes.length > 80) return; // O(n²); the small fixtures are enough
        for (let a = 0; a <= bytes.length; a++) {
          for (let b = a; b <= bytes.length; b++) {
            const frames = decodeInChunks([
              bytes.subarray(0, a),
              bytes.subarray(a, b),
              bytes.subarray(b),
            ]);
            expect(plain(frames), `cuts at ${a}, ${b}`).toEqual(want);
          }
        }
      });
    });
  }

  it('returns each frame as soon as it is complete, not before', () => {
    const decoder = new MultiplexedDecoder();
    const bytes = Buffer.concat([frame(1, 'one'), frame(2, 'two')]);
    expect(decoder.push(bytes.subarray(0, 10))).toEqual([]);
    expect(plain(decoder.push(bytes.subarray(10, 11)))).toEqual([
      { stream: 'stdout', hex: Buffer.from('one').toString('hex') },
    ]);
    expect(decoder.push(bytes.subarray(11, 21))).toEqual([]);
    expect(plain(decoder.push(bytes.subarray(21)))).toEqual([
      { stream: 'stderr', hex: Buffer.from('two').toString('hex') },
    ]);
    expect(() => decoder.end()).not.toThrow();
  });

  it('does not let a returned frame change when later chunks arrive', () => {
    const decoder = new MultiplexedDecoder();
    const [first] = decoder.push(Buffer.concat([frame(1, 'keep'), frame(2, 'ne')]));
    decoder.push(frame(2, 'more'));
    expect(first?.data.toString()).toBe('keep');
  });

  describe('frame type 3 (daemon error)', () => {
    it('throws DaemonStreamError with the payload as message', () => {
      const error = thrown(() =>
        new MultiplexedDecoder().push(frame(3, 'Error grabbing logs: log file is gone\n')),
      );
      expect(error).toBeInstanceOf(DaemonStreamError);
      expect((error as DaemonStreamError).message).toBe('Error grabbing logs: log file is gone');
      expect((error as DaemonStreamError).code).toBe('ENGINE_ERROR');
    });

    it('throws only once the whole payload has arrived', () => {
      const decoder = new MultiplexedDecoder();
      const bytes = Buffer.concat([frame(1, 'before'), frame(3, 'boom')]);
      expect(plain(decoder.push(bytes.subarray(0, bytes.length - 1)))).toEqual([
        { stream: 'stdout', hex: Buffer.from('before').toString('hex') },
      ]);
      expect(() => decoder.push(bytes.subarray(bytes.length - 1))).toThrow(DaemonStreamError);
    });

    it('throws even when split at every byte offset', () => {
      const bytes = Buffer.concat([frame(1, 'x'), frame(3, 'bad things')]);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const error = thrown(() => decodeInChunks([bytes.subarray(0, cut), bytes.subarray(cut)]));
        expect(error, `cut at ${cut}`).toBeInstanceOf(DaemonStreamError);
        expect((error as Error).message).toBe('bad things');
      }
    });

    it('has a message even when the payload is empty', () => {
      const error = thrown(() => new MultiplexedDecoder().push(frame(3, '')));
      expect(error).toBeInstanceOf(DaemonStreamError);
      expect((error as Error).message).not.toBe('');
    });
  });

  describe('malformed streams', () => {
    it('rejects an unknown stream type with StreamDecodeError', () => {
      const error = thrown(() => new MultiplexedDecoder().push(frame(5, 'x')));
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as StreamDecodeError).code).toBe('STREAM_DECODE_ERROR');
      expect((error as Error).message).toContain('5');
    });

    it('rejects an unknown stream type from the header alone', () => {
      expect(() => new MultiplexedDecoder().push(header(5, 100))).toThrow(StreamDecodeError);
      expect(() => new MultiplexedDecoder().push(header(0xff, 0))).toThrow(StreamDecodeError);
    });

    it('rejects an unknown type after valid frames in the same chunk, delivering those first', () => {
      const decoder = new MultiplexedDecoder();
      const frames = decoder.push(Buffer.concat([frame(1, 'ok'), frame(4, 'no')]));
      expect(frames.map((f) => f.data.toString())).toEqual(['ok']);
      expect(() => decoder.throwIfFailed()).toThrow(StreamDecodeError);
      expect(() => decoder.push(frame(1, 'later'))).toThrow(StreamDecodeError);
      expect(() => decoder.end()).toThrow(StreamDecodeError);
    });

    it('rejects a 4 GiB-1 frame as soon as its header is complete, before any payload', () => {
      const decoder = new MultiplexedDecoder();
      const bytes = header(1, 0xffffffff);
      expect(decoder.push(bytes.subarray(0, 7))).toEqual([]);
      const error = thrown(() => decoder.push(bytes.subarray(7)));
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as Error).message).toContain(String(0xffffffff));
    });

    it('rejects an oversized header when it is pushed whole', () => {
      expect(() => new MultiplexedDecoder().push(header(2, 0xffffffff))).toThrow(StreamDecodeError);
    });

    it('applies the default cap of 8 MiB', () => {
      expect(DEFAULT_MAX_FRAME).toBe(8 * 1024 * 1024);
      expect(new MultiplexedDecoder().push(header(1, DEFAULT_MAX_FRAME))).toEqual([]);
      expect(() => new MultiplexedDecoder().push(header(1, DEFAULT_MAX_FRAME + 1))).toThrow(
        StreamDecodeError,
      );
    });

    it('respects a custom cap: a frame of exactly the cap passes, one byte more fails', () => {
      const atCap = frame(1, 'x'.repeat(16));
      expect(plain(decodeInChunks([atCap], 16))).toEqual([
        { stream: 'stdout', hex: Buffer.from('x'.repeat(16)).toString('hex') },
      ]);
      expect(plain(decodeMultiplexed(atCap, 16))).toHaveLength(1);

      const decoder = new MultiplexedDecoder(16);
      expect(() => decoder.push(header(1, 17))).toThrow(StreamDecodeError);
      expect(() => decodeMultiplexed(frame(2, 'y'.repeat(17)), 16)).toThrow(StreamDecodeError);
    });

    it('applies the cap to daemon error frames too', () => {
      expect(() => new MultiplexedDecoder(4).push(header(3, 5))).toThrow(StreamDecodeError);
    });

    it('end() throws StreamDecodeError when the stream stops inside a payload', () => {
      const decoder = new MultiplexedDecoder();
      const bytes = frame(1, 'truncated');
      expect(decoder.push(bytes.subarray(0, bytes.length - 3))).toEqual([]);
      const error = thrown(() => decoder.end());
      expect(error).toBeInstanceOf(StreamDecodeError);
      expect((error as Error).message).toMatch(/ended inside a frame/);
    });

    it('end() throws StreamDecodeError when the stream stops inside a header', () => {
      const decoder = new MultiplexedDecoder();
      expect(
        decoder.push(Buffer.concat([frame(1, 'ok'), header(1, 4).subarray(0, 5)])),
      ).toHaveLength(1);
      expect(() => decoder.end()).toThrow(StreamDecodeError);
    });

    it('end() throws for every truncation point of a valid stream', () => {
      const bytes = Buffer.concat([frame(1, 'abc'), frame(2, 'de')]);
      const frameEnds = new Set([0, 11, bytes.length]);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const run = () => decodeInChunks([bytes.subarray(0, cut)]);
        if (frameEnds.has(cut)) expect(run, `cut at ${cut}`).not.toThrow();
        else expect(run, `cut at ${cut}`).toThrow(StreamDecodeError);
      }
    });

    it('decodeMultiplexed rejects trailing partial bytes', () => {
      expect(() => decodeMultiplexed(Buffer.concat([frame(1, 'a'), Buffer.from([1, 0])]))).toThrow(
        StreamDecodeError,
      );
    });
  });

  describe('end()', () => {
    it('does not throw after clean input', () => {
      const decoder = new MultiplexedDecoder();
      decoder.push(Buffer.concat([frame(1, 'a'), frame(2, '')]));
      expect(() => decoder.end()).not.toThrow();
    });

    it('does not throw when nothing was pushed', () => {
      expect(() => new MultiplexedDecoder().end()).not.toThrow();
      expect(decodeMultiplexed(Buffer.alloc(0))).toEqual([]);
    });

    it('does not throw after empty chunks', () => {
      const decoder = new MultiplexedDecoder();
      expect(decoder.push(Buffer.alloc(0))).toEqual([]);
      expect(decoder.push(Buffer.alloc(0))).toEqual([]);
      expect(() => decoder.end()).not.toThrow();
    });
  });
});
