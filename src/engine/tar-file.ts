/**
 * A tar archive of one regular file, as `PUT /containers/{id}/archive` unpacks it into a
 * directory: a ustar header (a pax `path` record first when the name does not fit its 100 bytes),
 * the data padded to 512 bytes, and the two zero blocks that end an archive.
 */
const BLOCK = 512;

export interface TarFile {
  /** One path component: the file's name inside the directory it is unpacked into. */
  name: string;
  content: Buffer;
  /** Permission bits. */
  mode: number;
  mtime: Date;
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  flag: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  block.write(octal(fields.mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(fields.size, 12), 124, 'ascii');
  block.write(octal(fields.mtime, 12), 136, 'ascii');
  block.write(fields.flag, 156, 'ascii');
  block.write('ustar\x0000', 257, 'ascii');
  block.write('root', 265, 'ascii');
  block.write('root', 297, 'ascii');
  // The checksum is summed with its own field as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function padded(data: Buffer): Buffer[] {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return pad === 0 ? [data] : [data, Buffer.alloc(pad)];
}

/** `<length> path=<name>\n`, the length counting its own digits. */
function paxPath(name: string): Buffer {
  const body = ` path=${name}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length += 1;
  return Buffer.from(`${length}${body}`, 'utf8');
}

export function tarOfOneFile(file: TarFile): Buffer {
  const mtime = Math.floor(file.mtime.getTime() / 1000);
  const parts: Buffer[] = [];
  const long = Buffer.byteLength(file.name) > 100;
  if (long) {
    const pax = paxPath(file.name);
    parts.push(header({ name: 'PaxHeader', mode: 0o644, size: pax.length, mtime, flag: 'x' }));
    parts.push(...padded(pax));
  }
  parts.push(
    header({
      // Readers take the pax record's name; this one is for those that cannot.
      name: long ? 'pax-long-name' : file.name,
      mode: file.mode,
      size: file.content.length,
      mtime,
      flag: '0',
    }),
  );
  parts.push(...padded(file.content), Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
