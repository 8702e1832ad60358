import { describe, expect, it } from 'vitest';
import { type LogLine, LogLineAssembler, type LogStream } from '../../src/engine/log-lines.ts';

const TS1 = '2026-11-28T00:23:47.612152151Z';
const TS2 = '2026-11-28T00:23:47.612198003Z';
const TS3 = '2026-11-28T00:23:48.000000001Z';

/** The engine's cut-off for one log message. */
const PIECE = 16 * 1024;

function bytes(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** One engine log message with its RFC 3339 timestamp prefix, as sent when `timestamps=1`. */
function stamped(timestamp: string, body: string | Buffer): Buffer {
  return Buffer.concat([bytes(`${timestamp} `), typeof body === 'string' ? bytes(body) : body]);
}

function line(stream: LogStream, text: string, timestamp: string | null = null): LogLine {
  return { stream, text, timestamp };
}

function feedRaw(assembler: LogLineAssembler, chunks: Buffer[]): LogLine[] {
  const lines: LogLine[] = [];
  for (const chunk of chunks) lines.push(...assembler.raw(chunk));
  lines.push(...assembler.flush());
  return lines;
}

describe('LogLineAssembler.message without timestamps', () => {
  it('emits one line per terminated message, tagged with its stream', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('hello\n'))).toEqual([line('stdout', 'hello')]);
    expect(assembler.message('stderr', bytes('oops\n'))).toEqual([line('stderr', 'oops')]);
    expect(assembler.message('stdout', bytes('again\n'))).toEqual([line('stdout', 'again')]);
    expect(assembler.flush()).toEqual([]);
  });

  it('keeps empty lines and spaces', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('\n'))).toEqual([line('stdout', '')]);
    expect(assembler.message('stdout', bytes('  two  spaces \n'))).toEqual([
      line('stdout', '  two  spaces '),
    ]);
  });

  it('does not take the first word for a timestamp when timestamps were not asked for', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', stamped(TS1, 'x\n'))).toEqual([line('stdout', `${TS1} x`)]);
  });

  it('splits a message holding several lines', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('a\nb\n\nc\n'))).toEqual([
      line('stdout', 'a'),
      line('stdout', 'b'),
      line('stdout', ''),
      line('stdout', 'c'),
    ]);
  });

  it('strips a trailing \\r (CRLF endings)', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('dos\r\n'))).toEqual([line('stdout', 'dos')]);
    expect(assembler.message('stdout', bytes('a\rb\n'))).toEqual([line('stdout', 'a\rb')]);
  });

  it('reassembles a long line the engine cut into 16 KiB messages', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    const a = 'a'.repeat(PIECE);
    const b = 'b'.repeat(PIECE);
    expect(assembler.message('stdout', bytes(a))).toEqual([]);
    expect(assembler.message('stdout', bytes(b))).toEqual([]);
    const lines = assembler.message('stdout', bytes('ccc\n'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(line('stdout', `${a}${b}ccc`));
  });

  it('reassembles pieces with stderr messages interleaved between them', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    const a = 'a'.repeat(PIECE);
    const b = 'b'.repeat(PIECE);
    expect(assembler.message('stdout', bytes(a))).toEqual([]);
    expect(assembler.message('stderr', bytes('err 1\n'))).toEqual([line('stderr', 'err 1')]);
    expect(assembler.message('stdout', bytes(b))).toEqual([]);
    expect(assembler.message('stderr', bytes('err 2\n'))).toEqual([line('stderr', 'err 2')]);
    expect(assembler.message('stdout', bytes('end\n'))).toEqual([line('stdout', `${a}${b}end`)]);
  });

  it('reassembles long lines on both streams at once', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('o'.repeat(PIECE)))).toEqual([]);
    expect(assembler.message('stderr', bytes('e'.repeat(PIECE)))).toEqual([]);
    expect(assembler.message('stderr', bytes('E\n'))).toEqual([
      line('stderr', `${'e'.repeat(PIECE)}E`),
    ]);
    expect(assembler.message('stdout', bytes('O\n'))).toEqual([
      line('stdout', `${'o'.repeat(PIECE)}O`),
    ]);
  });

  it('keeps a multi-byte character cut between two messages intact, at every cut', () => {
    for (const char of ['é', '€', '𝄞']) {
      const encoded = bytes(char);
      for (let cut = 1; cut < encoded.length; cut++) {
        const assembler = new LogLineAssembler({ timestamps: false });
        const first = Buffer.concat([bytes('x'.repeat(PIECE - cut)), encoded.subarray(0, cut)]);
        const second = Buffer.concat([encoded.subarray(cut), bytes('tail\n')]);
        expect(assembler.message('stdout', first)).toEqual([]);
        expect(assembler.message('stdout', second), `${char} cut at ${cut}`).toEqual([
          line('stdout', `${'x'.repeat(PIECE - cut)}${char}tail`),
        ]);
      }
    }
  });

  it('does not mix the UTF-8 state of the two streams', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    const euro = bytes('€');
    expect(assembler.message('stdout', Buffer.concat([bytes('o'), euro.subarray(0, 1)]))).toEqual(
      [],
    );
    expect(assembler.message('stderr', Buffer.concat([bytes('e'), euro.subarray(0, 2)]))).toEqual(
      [],
    );
    expect(assembler.message('stderr', Buffer.concat([euro.subarray(2), bytes('\n')]))).toEqual([
      line('stderr', 'e€'),
    ]);
    expect(assembler.message('stdout', Buffer.concat([euro.subarray(1), bytes('\n')]))).toEqual([
      line('stdout', 'o€'),
    ]);
  });

  it('flush() returns unterminated last lines of both streams, then nothing', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.message('stdout', bytes('done\nno newline'))).toEqual([
      line('stdout', 'done'),
    ]);
    expect(assembler.message('stderr', bytes('err tail'))).toEqual([]);
    expect(assembler.flush()).toEqual([line('stdout', 'no newline'), line('stderr', 'err tail')]);
    expect(assembler.flush()).toEqual([]);
  });

  it('flush() strips a trailing \\r and returns nothing after terminated lines', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    assembler.message('stdout', bytes('complete\n'));
    expect(assembler.flush()).toEqual([]);
    assembler.message('stdout', bytes('tail\r'));
    expect(assembler.flush()).toEqual([line('stdout', 'tail')]);
  });

  it('flush() replaces a character left incomplete by the end of the stream', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    assembler.message('stdout', Buffer.concat([bytes('ab'), bytes('€').subarray(0, 2)]));
    expect(assembler.flush()).toEqual([line('stdout', 'ab\uFFFD')]);
  });

  it('starts clean after flush()', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    assembler.message('stdout', Buffer.concat([bytes('ab'), bytes('€').subarray(0, 1)]));
    assembler.flush();
    expect(assembler.message('stdout', bytes('next\n'))).toEqual([line('stdout', 'next')]);
  });
});

describe('LogLineAssembler.message with timestamps', () => {
  it('parses the timestamp prefix off each line', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.message('stdout', stamped(TS1, 'hello world\n'))).toEqual([
      line('stdout', 'hello world', TS1),
    ]);
    expect(assembler.message('stderr', stamped(TS2, 'warn: x y\n'))).toEqual([
      line('stderr', 'warn: x y', TS2),
    ]);
  });

  it('parses the timestamp of an empty line', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.message('stdout', stamped(TS1, '\n'))).toEqual([line('stdout', '', TS1)]);
  });

  it('gives a reassembled line the FIRST piece timestamp and no timestamp text inside', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    const a = 'a'.repeat(PIECE);
    const b = 'b'.repeat(PIECE);
    expect(assembler.message('stdout', stamped(TS1, a))).toEqual([]);
    expect(assembler.message('stdout', stamped(TS2, b))).toEqual([]);
    const lines = assembler.message('stdout', stamped(TS3, 'end\n'));
    expect(lines).toEqual([line('stdout', `${a}${b}end`, TS1)]);
    expect(lines[0]?.text).not.toContain('2026-');
  });

  it('keeps each stream its own timestamp when stderr is interleaved between pieces', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    const a = 'a'.repeat(PIECE);
    expect(assembler.message('stdout', stamped(TS1, a))).toEqual([]);
    expect(assembler.message('stderr', stamped(TS2, 'err\n'))).toEqual([
      line('stderr', 'err', TS2),
    ]);
    expect(assembler.message('stdout', stamped(TS3, 'rest\n'))).toEqual([
      line('stdout', `${a}rest`, TS1),
    ]);
    // The next stdout line starts over with its own timestamp.
    expect(assembler.message('stdout', stamped(TS3, 'next\n'))).toEqual([
      line('stdout', 'next', TS3),
    ]);
  });

  it('keeps a multi-byte character cut between two stamped messages intact, at every cut', () => {
    for (const char of ['é', '€', '𝄞']) {
      const encoded = bytes(char);
      for (let cut = 1; cut < encoded.length; cut++) {
        const assembler = new LogLineAssembler({ timestamps: true });
        const head = 'h'.repeat(PIECE - cut);
        expect(
          assembler.message(
            'stdout',
            stamped(TS1, Buffer.concat([bytes(head), encoded.subarray(0, cut)])),
          ),
        ).toEqual([]);
        expect(
          assembler.message(
            'stdout',
            stamped(TS2, Buffer.concat([encoded.subarray(cut), bytes('!\n')])),
          ),
          `${char} cut at ${cut}`,
        ).toEqual([line('stdout', `${head}${char}!`, TS1)]);
      }
    }
  });

  it('flush() returns the unterminated last line with its timestamp', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.message('stdout', stamped(TS1, 'partial'))).toEqual([]);
    expect(assembler.message('stdout', stamped(TS2, ' more'))).toEqual([]);
    expect(assembler.flush()).toEqual([line('stdout', 'partial more', TS1)]);
  });

  it('flush() does not carry a timestamp over to the next line', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    assembler.message('stdout', stamped(TS1, 'partial'));
    assembler.flush();
    expect(assembler.message('stdout', stamped(TS2, 'fresh\n'))).toEqual([
      line('stdout', 'fresh', TS2),
    ]);
  });

  it('strips \\r\\n endings after the timestamp is taken', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.message('stdout', stamped(TS1, 'crlf\r\n'))).toEqual([
      line('stdout', 'crlf', TS1),
    ]);
  });
});

describe('LogLineAssembler.raw (TTY)', () => {
  function everySplit(input: Buffer, timestamps: boolean, expected: LogLine[]) {
    const whole = feedRaw(new LogLineAssembler({ timestamps }), [input]);
    expect(whole).toEqual(expected);
    for (let cut = 0; cut <= input.length; cut++) {
      const lines = feedRaw(new LogLineAssembler({ timestamps }), [
        input.subarray(0, cut),
        input.subarray(cut),
      ]);
      expect(lines, `cut at ${cut}`).toEqual(expected);
    }
    const byteByByte = feedRaw(
      new LogLineAssembler({ timestamps }),
      [...input].map((byte) => Buffer.from([byte])),
    );
    expect(byteByByte).toEqual(expected);
  }

  it('splits lines, strips \\r\\n, and gives the same lines at every chunk split', () => {
    everySplit(bytes('first line\r\nsecond\r\n\r\nthird\n'), false, [
      line('stdout', 'first line'),
      line('stdout', 'second'),
      line('stdout', ''),
      line('stdout', 'third'),
    ]);
  });

  it('keeps multi-byte characters intact at every chunk split', () => {
    everySplit(bytes('café\r\n€ 𝄞 ok\r\n'), false, [
      line('stdout', 'café'),
      line('stdout', '€ 𝄞 ok'),
    ]);
  });

  it('returns the unterminated last line on flush() at every chunk split', () => {
    everySplit(bytes('one\r\n$ '), false, [line('stdout', 'one'), line('stdout', '$ ')]);
  });

  it('parses timestamps at line starts at every chunk split', () => {
    everySplit(bytes(`${TS1} hello world\r\n${TS2} é\r\n${TS3} \r\n`), true, [
      line('stdout', 'hello world', TS1),
      line('stdout', 'é', TS2),
      line('stdout', '', TS3),
    ]);
  });

  it('leaves the text alone when timestamps were not asked for', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.raw(bytes(`${TS1} hello\r\n`))).toEqual([line('stdout', `${TS1} hello`)]);
  });

  it('returns lines as soon as their newline arrives', () => {
    const assembler = new LogLineAssembler({ timestamps: false });
    expect(assembler.raw(bytes('par'))).toEqual([]);
    expect(assembler.raw(bytes('tial\r'))).toEqual([]);
    expect(assembler.raw(bytes('\nnext'))).toEqual([line('stdout', 'partial')]);
    expect(assembler.flush()).toEqual([line('stdout', 'next')]);
  });

  it('flush() in raw mode with timestamps parses the timestamp of the unterminated last line', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.raw(bytes(`${TS1} done\r\n${TS2} $ `))).toEqual([line('stdout', 'done', TS1)]);
    expect(assembler.flush()).toEqual([line('stdout', '$ ', TS2)]);
  });
});

describe('LogLineAssembler with details (service logs)', () => {
  // As Engine 20.10 sent them for `GET /services/{id}/logs?timestamps=1&details=1`.
  const DETAILS =
    'com.docker.swarm.node.id=r2x36ycqrbyu45sxr1ebhxm9l,com.docker.swarm.service.id=2akv2wz83jhbeug5p60qr65op,com.docker.swarm.task.id=yxind5aprkdc9ck2g5bpmqtut';
  const OTHER =
    'com.docker.swarm.node.id=n2,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t2';
  const withDetails = (timestamp: string, details: string, body: string) =>
    stamped(timestamp, `${details} ${body}`);

  it('takes the attributes off after the timestamp, per line', () => {
    const assembler = new LogLineAssembler({ timestamps: true, details: true });
    expect(assembler.message('stdout', withDetails(TS1, DETAILS, 'out 2 05d1a43d2afb\n'))).toEqual([
      { stream: 'stdout', text: 'out 2 05d1a43d2afb', timestamp: TS1, details: DETAILS },
    ]);
    expect(assembler.message('stderr', withDetails(TS2, OTHER, 'err 3\n'))).toEqual([
      { stream: 'stderr', text: 'err 3', timestamp: TS2, details: OTHER },
    ]);
  });

  it('takes them off every piece of a line cut at 16 KiB, keeping the first piece’s', () => {
    const assembler = new LogLineAssembler({ timestamps: true, details: true });
    const first = 'a'.repeat(PIECE);
    expect(assembler.message('stdout', withDetails(TS1, DETAILS, first))).toEqual([]);
    expect(assembler.message('stdout', withDetails(TS2, DETAILS, 'b\n'))).toEqual([
      { stream: 'stdout', text: `${first}b`, timestamp: TS1, details: DETAILS },
    ]);
  });

  it('reads them at line starts of a raw (TTY) stream', () => {
    const assembler = new LogLineAssembler({ timestamps: true, details: true });
    expect(feedRaw(assembler, [bytes(`${TS1} ${DETAILS} one two\r\n${TS3} ${OTHER} x`)])).toEqual([
      { stream: 'stdout', text: 'one two', timestamp: TS1, details: DETAILS },
      { stream: 'stdout', text: 'x', timestamp: TS3, details: OTHER },
    ]);
  });

  it('leaves container log lines without a details field', () => {
    const assembler = new LogLineAssembler({ timestamps: true });
    expect(assembler.message('stdout', withDetails(TS1, DETAILS, 'x\n'))).toEqual([
      line('stdout', `${DETAILS} x`, TS1),
    ]);
  });
});
