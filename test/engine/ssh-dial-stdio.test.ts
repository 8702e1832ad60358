import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { isUnavailableCause } from '../../src/engine/errors.ts';
import { DialStdioStream } from '../../src/engine/ssh-dial-stdio.ts';

/** An ssh2 channel as DialStdioStream sees it: stdout, stderr, 'exit', 'end', 'close'. */
function fakeChannel() {
  const written: Buffer[] = [];
  let closed = false;
  const channel = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      callback();
    },
  });
  const stderr = new EventEmitter();
  Object.assign(channel, {
    stderr,
    close() {
      closed = true;
    },
  });
  return {
    channel: channel as unknown as ClientChannel,
    written,
    isClosed: () => closed,
    /** What sshd sends when the command ends: its stderr, EOF, exit status, channel close. */
    finish(code: number, stderrText = '') {
      if (stderrText) stderr.emit('data', Buffer.from(stderrText));
      channel.push(null);
      channel.emit('exit', code);
      setImmediate(() => channel.emit('close'));
    },
  };
}

async function read(stream: Duplex): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('DialStdioStream', () => {
  it('carries bytes both ways and ends cleanly when dial-stdio exits 0', async () => {
    const fake = fakeChannel();
    const stream = new DialStdioStream(fake.channel, 'ssh://u@h:22');
    stream.write('GET /_ping HTTP/1.1\r\n\r\n');
    (fake.channel as unknown as Duplex).push('HTTP/1.1 200 OK\r\n\r\nOK');
    fake.finish(0);
    expect(await read(stream)).toBe('HTTP/1.1 200 OK\r\n\r\nOK');
    expect(Buffer.concat(fake.written).toString()).toBe('GET /_ping HTTP/1.1\r\n\r\n');
  });

  it("ends with an error naming the host and the command's stderr when docker is missing", async () => {
    const fake = fakeChannel();
    const stream = new DialStdioStream(fake.channel, 'ssh://u@h:22');
    fake.finish(127, 'bash: line 1: docker: command not found\n');
    const error = await read(stream).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      '`docker system dial-stdio` on ssh://u@h:22 exited with 127: bash: line 1: docker: command not found',
    );
    // Counted as the engine being unreachable, like a refused socket.
    expect(isUnavailableCause(error)).toBe(true);
  });

  it('closes the channel when the stream is destroyed (undici dropping an idle connection)', () => {
    const fake = fakeChannel();
    const stream = new DialStdioStream(fake.channel, 'ssh://u@h:22');
    stream.destroy();
    expect(fake.isClosed()).toBe(true);
  });
});
