import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/** Enough of the remote command's stderr to say why it failed ("docker: not found"). */
const MAX_STDERR = 2048;

/**
 * The stdio of `docker system dial-stdio` on the remote host, as the socket HTTP runs over. Its
 * end is held back until the command's exit status is known, so a command that failed (docker
 * missing, its engine down) ends the stream with an error that says why, not a bare EOF.
 */
export class DialStdioStream extends Duplex {
  readonly #channel: ClientChannel;
  readonly #where: string;
  #stderr = '';
  #readEnded = false;
  #closed = false;
  #exit: { code: number | null; signal: string | undefined } | undefined;

  constructor(channel: ClientChannel, where: string) {
    super({ allowHalfOpen: true });
    this.#channel = channel;
    this.#where = where;
    channel.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.#stderr.length < MAX_STDERR) this.#stderr += chunk.toString('utf8');
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      this.#exit = { code, signal };
      this.#settle();
    });
    channel.on('end', () => {
      this.#readEnded = true;
      this.#settle();
    });
    channel.on('close', () => {
      this.#closed = true;
      this.#settle();
    });
    channel.on('error', (error: Error) => this.destroy(error));
  }

  #settle(): void {
    if (this.destroyed || this.readableEnded) return;
    if (!this.#closed && !(this.#readEnded && this.#exit)) return;
    if (this.#exit?.code === 0) {
      this.push(null);
      return;
    }
    const stderr = this.#stderr.trim().split('\n').slice(-3).join(' / ');
    const status = this.#exit
      ? this.#exit.signal
        ? `was killed by ${this.#exit.signal}`
        : `exited with ${this.#exit.code}`
      : 'ended without an exit status (the ssh connection was lost)';
    this.destroy(
      Object.assign(
        new Error(
          `\`docker system dial-stdio\` on ${this.#where} ${status}${stderr ? `: ${stderr}` : ''}`,
        ),
        { code: 'WHARF_SSH_CHANNEL_LOST' },
      ),
    );
  }

  override _read(): void {
    this.#channel.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#channel.write(chunk, callback);
  }

  override _final(callback: (error?: Error) => void): void {
    // Half-close, as a socket's end(): the engine sees stdin's EOF and still answers.
    this.#channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#closed) this.#channel.close();
    callback(error);
  }
}
