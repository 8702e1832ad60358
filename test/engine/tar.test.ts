import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TarDecoder, type TarEvent } from '../../src/engine/decode/tar.ts';
import { tarOfOneFile } from '../../src/engine/tar-file.ts';

const BLOCK = 512;

/** One header block, as Go's archive/tar (POSIX ustar) or GNU tar (`gnu: true`) writes it. */
function header(
  name: string,
  fields: { flag?: string; size?: number; linkName?: string; gnu?: boolean; mode?: number } = {},
): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(`${(fields.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
  block.write(`${(fields.size ?? 0).toString(8).padStart(11, '0')}\0`, 124);
  block.write(`${(1_700_000_000).toString(8).padStart(11, '0')}\0`, 136);
  block.write(fields.flag ?? '0', 156);
  block.write(fields.linkName ?? '', 157, 100, 'utf8');
  block.write(fields.gnu ? 'ustar  \0' : 'ustar\x0000', 257, 'binary');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

const END = Buffer.alloc(2 * BLOCK);

function file(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([header(name, { size: data.length }), padded(data)]);
}

function pax(records: Record<string, string>): Buffer {
  const body = Buffer.from(
    Object.entries(records)
      .map(([key, value]) => {
        const rest = ` ${key}=${value}\n`;
        let length = Buffer.byteLength(rest) + 1;
        while (String(length).length + Buffer.byteLength(rest) !== length) length += 1;
        return `${length}${rest}`;
      })
      .join(''),
  );
  return Buffer.concat([header('PaxHeaders/x', { flag: 'x', size: body.length }), padded(body)]);
}

function gnuLong(flag: 'L' | 'K', value: string): Buffer {
  const body = Buffer.from(`${value}\0`);
  return Buffer.concat([
    header('././@LongLink', { flag, size: body.length, gnu: true }),
    padded(body),
  ]);
}

interface Entry {
  name: string;
  type: string;
  linkName: string;
  data: string;
}

/** Decodes `archive` pushed in pieces cut at `cuts`; entries with their data joined. */
function decode(archive: Buffer, cuts: number[] = []): Entry[] {
  const decoder = new TarDecoder();
  const events: TarEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, archive.length]) {
    events.push(...decoder.push(archive.subarray(from, cut)));
    decoder.throwIfFailed();
    from = cut;
  }
  decoder.end();
  const entries: Entry[] = [];
  for (const event of events) {
    if (event.kind === 'entry') {
      const { name, type, linkName } = event.header;
      entries.push({ name, type, linkName, data: '' });
    } else if (event.kind === 'data') {
      const last = entries.at(-1) as Entry;
      last.data += event.bytes.toString('utf8');
    }
  }
  return entries;
}

const longName = `./${'d'.repeat(120)}/${'f'.repeat(130)}`;

const archive = Buffer.concat([
  header('./', { flag: '5', mode: 0o755 }),
  file('./hostname', 'box\n'),
  header('./hard', { flag: '1', linkName: './hostname' }),
  header('./evil', { flag: '2', linkName: '../../etc/shadow' }),
  pax({ path: longName }),
  file('ignored-by-pax', 'long'),
  gnuLong('L', './gnu-long-name'.padEnd(150, 'n')),
  gnuLong('K', '../relative/link/target'.padEnd(140, 't')),
  header('short', { flag: '2', linkName: 'short-link', gnu: true }),
  file('./big', 'x'.repeat(1500)),
  END,
]);

const expected: Entry[] = [
  { name: './', type: 'directory', linkName: '', data: '' },
  { name: './hostname', type: 'file', linkName: '', data: 'box\n' },
  { name: './hard', type: 'hardlink', linkName: './hostname', data: '' },
  { name: './evil', type: 'symlink', linkName: '../../etc/shadow', data: '' },
  { name: longName, type: 'file', linkName: '', data: 'long' },
  {
    name: './gnu-long-name'.padEnd(150, 'n'),
    type: 'symlink',
    linkName: '../relative/link/target'.padEnd(140, 't'),
    data: '',
  },
  { name: './big', type: 'file', linkName: '', data: 'x'.repeat(1500) },
];

describe('TarDecoder', () => {
  it('decodes ustar, pax and GNU long names, links and data', () => {
    expect(decode(archive)).toEqual(expected);
  });

  it('gives the same entries however the stream is cut (every byte offset)', () => {
    for (let cut = 1; cut < archive.length; cut++) {
      expect(decode(archive, [cut])).toEqual(expected);
    }
  });

  it('gives the same entries byte by byte', () => {
    const cuts = Array.from({ length: archive.length - 1 }, (_, i) => i + 1);
    expect(decode(archive, cuts)).toEqual(expected);
  });

  it('reads what GNU tar writes (pax and gnu formats)', () => {
    for (const format of ['pax', 'gnu']) {
      const tar = execFileSync('sh', [
        '-c',
        `d=$(mktemp -d) && cd "$d" && mkdir -p ${'a'.repeat(90)}/${'b'.repeat(90)} && printf hello > ${'a'.repeat(90)}/${'b'.repeat(90)}/file && ln -s ../x link && tar --format=${format} -cf - . && rm -rf "$d"`,
      ]);
      const entries = decode(tar);
      expect(entries).toContainEqual({
        name: `./${'a'.repeat(90)}/${'b'.repeat(90)}/file`,
        type: 'file',
        linkName: '',
        data: 'hello',
      });
      expect(entries).toContainEqual({
        name: './link',
        type: 'symlink',
        linkName: '../x',
        data: '',
      });
    }
  });

  it.each([
    ['a name climbing out', file('../escape', 'x')],
    ['a name climbing out in the middle', file('./a/../../escape', 'x')],
    ['an absolute name', file('/etc/passwd', 'x')],
    ['a pax path climbing out', Buffer.concat([pax({ path: 'ok/../../x' }), file('ok', 'x')])],
    ['a GNU long name that is absolute', Buffer.concat([gnuLong('L', '/abs'), file('ok', 'x')])],
    ['a hard link to a name outside', header('./h', { flag: '1', linkName: '../../etc/shadow' })],
  ])('refuses %s, and nothing after it', (_, entry) => {
    const decoder = new TarDecoder();
    const before = file('./first', 'ok');
    const events = decoder.push(Buffer.concat([before, entry, file('./after', 'no'), END]));
    // The entry before it is delivered; the refusal comes next, and nothing of what follows.
    expect(events.filter((event) => event.kind === 'entry')).toHaveLength(1);
    expect(() => decoder.throwIfFailed()).toThrow(/absolute or climbs out/);
    expect(() => decoder.push(file('./later', 'x'))).toThrow(/absolute or climbs out/);
  });

  it('keeps a symlink whose target climbs out: it is data, never followed', () => {
    expect(
      decode(Buffer.concat([header('l', { flag: '2', linkName: '/etc/shadow' }), END])),
    ).toEqual([{ name: 'l', type: 'symlink', linkName: '/etc/shadow', data: '' }]);
  });

  it('refuses a bad checksum', () => {
    const bad = file('./x', 'data');
    bad[0] = 'y'.charCodeAt(0);
    expect(() => new TarDecoder().push(bad)).toThrow(/checksum/);
  });

  it('refuses metadata larger than its cap before buffering it', () => {
    const decoder = new TarDecoder(1024);
    expect(() => decoder.push(header('PaxHeaders/x', { flag: 'x', size: 4096 }))).toThrow(
      /exceeds 1024/,
    );
  });

  it('refuses an archive cut inside an entry', () => {
    const decoder = new TarDecoder();
    decoder.push(file('./x', 'data').subarray(0, 600));
    expect(() => decoder.end()).toThrow(/ends inside an entry/);
  });

  it('reads nothing after the end-of-archive block', () => {
    const decoder = new TarDecoder();
    const events = decoder.push(Buffer.concat([file('./a', 'a'), END, Buffer.from('garbage')]));
    expect(events.map((event) => event.kind)).toEqual(['entry', 'data', 'end']);
    expect(decoder.finished).toBe(true);
    decoder.end();
  });
});

describe('tarOfOneFile', () => {
  it('round-trips a short and a long (pax) name', () => {
    for (const name of ['note.txt', `${'é'.repeat(60)}.txt`]) {
      const tar = tarOfOneFile({
        name,
        content: Buffer.from('hello'),
        mode: 0o600,
        mtime: new Date(),
      });
      expect(decode(tar)).toEqual([{ name, type: 'file', linkName: '', data: 'hello' }]);
    }
  });

  it('is what GNU tar lists', () => {
    const tar = tarOfOneFile({
      name: 'n'.repeat(150),
      content: Buffer.from('abc'),
      mode: 0o640,
      mtime: new Date(1_700_000_000_000),
    });
    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar }).toString();
    expect(listing).toMatch(new RegExp(`^-rw-r----- root/root\\s+3 .* ${'n'.repeat(150)}\\n$`));
  });
});
