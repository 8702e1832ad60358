import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import ssh2, { type ClientChannel, type PublicKeyAuthMethod } from 'ssh2';
import { describeEndpoint, type SshEndpoint } from './docker-host.ts';
import { EngineUnavailableError } from './errors.ts';
import { DialStdioStream } from './ssh-dial-stdio.ts';
import {
  checkHostKey,
  defaultKnownHostsFiles,
  type HostKeyVerdict,
  knownHostsName,
} from './ssh-known-hosts.ts';

// ssh2 is CommonJS; Node only finds its exports through the default import.
const { Client, utils } = ssh2;
type Client = ssh2.Client;

/** What the docker CLI runs on the host for every connection to an `ssh://` engine. */
const DIAL_STDIO = 'docker system dial-stdio';
/** The keys ssh tries when none is configured, in its order. */
const DEFAULT_KEYS = ['id_rsa', 'id_ecdsa', 'id_ed25519'];
/** A dead peer is noticed within about 45 s even when nothing is being sent. */
const KEEPALIVE_MS = 15_000;
/** OpenSSH's MaxSessions default; a server with a lower limit refuses the channel and says so. */
const CHANNELS_PER_CONNECTION = 10;
/**
 * How sshd refuses a session over its MaxSessions: SSH_OPEN_CONNECT_FAILED (OpenSSH) or
 * SSH_OPEN_ADMINISTRATIVELY_PROHIBITED.
 */
const SESSION_LIMIT_REASONS: readonly unknown[] = [1, 2];

interface SshConnection {
  ready: Promise<Client>;
  /** Channels open or being opened on it. */
  channels: number;
  /** Channels it ever opened: one that never did and refuses its only one is not merely full. */
  opened: number;
  /** Lowered when the server refused a channel below our own cap. */
  capacity: number;
  closed: boolean;
}

export interface SshDialerOptions {
  engine: string;
  endpoint: SshEndpoint;
  /** Deadline for connecting, authenticating and opening a channel. */
  timeoutMs: number;
}

function unavailable(message: string, cause?: unknown): EngineUnavailableError {
  return new EngineUnavailableError(message, cause === undefined ? undefined : { cause });
}

/**
 * Opens channels running `docker system dial-stdio` for one `ssh://` engine: each HTTP connection
 * (and each hijacked exec/attach) gets its own channel, on a shared ssh connection that is opened
 * on first use and again after it drops. More connections open only when a server's session limit
 * is reached.
 */
export class SshDialer {
  readonly #options: SshDialerOptions;
  readonly #where: string;
  #connections: SshConnection[] = [];
  #closed = false;

  constructor(options: SshDialerOptions) {
    this.#options = options;
    this.#where = `engine "${options.engine}" (${describeEndpoint(options.endpoint)})`;
  }

  /** A fresh channel to the engine's API, ready for HTTP. */
  async open(signal?: AbortSignal): Promise<Duplex> {
    const refusedBy = new Set<SshConnection>();
    for (;;) {
      signal?.throwIfAborted();
      if (this.#closed) throw unavailable(`${this.#where}: the ssh dialer is closed`);
      const connection =
        this.#connections.find((c) => !c.closed && !refusedBy.has(c) && c.channels < c.capacity) ??
        this.#connect();
      connection.channels += 1;
      try {
        const client = await connection.ready;
        const channel = await this.#exec(client, signal);
        connection.opened += 1;
        channel.once('close', () => this.#released(connection));
        return new DialStdioStream(channel, describeEndpoint(this.#options.endpoint));
      } catch (error) {
        connection.channels -= 1;
        const refused = SESSION_LIMIT_REASONS.includes((error as { reason?: unknown }).reason);
        // Over the server's session limit (MaxSessions; sessions just closed may still count
        // there): this connection is full, try another. A lone first channel refused is a real
        // refusal.
        if (refused && (connection.opened > 0 || connection.channels > 0)) {
          connection.capacity = Math.max(1, connection.channels);
          refusedBy.add(connection);
          continue;
        }
        if (error instanceof EngineUnavailableError || signal?.aborted) throw error;
        throw unavailable(
          `${this.#where}: the ssh server refused a session channel (${(error as Error).message})`,
          error,
        );
      }
    }
  }

  /** A channel closed; an extra connection left idle is closed too (the first one stays). */
  #released(connection: SshConnection): void {
    connection.channels -= 1;
    if (connection.channels > 0 || this.#connections[0] === connection) return;
    connection.closed = true;
    this.#connections = this.#connections.filter((c) => c !== connection);
    connection.ready.then((client) => client.end()).catch(() => {});
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#connections) {
      connection.closed = true;
      connection.ready.then((client) => client.end()).catch(() => {});
    }
    this.#connections = [];
  }

  #exec(client: Client, signal: AbortSignal | undefined): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error: unknown, channel?: ClientChannel) => {
        if (settled) {
          channel?.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (channel) resolve(channel);
        else reject(error);
      };
      const timer = setTimeout(
        () =>
          settle(
            unavailable(
              `${this.#where}: the ssh server did not open a channel within ${this.#options.timeoutMs} ms`,
            ),
          ),
        this.#options.timeoutMs,
      );
      const onAbort = () => settle(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        client.exec(DIAL_STDIO, (error, channel) => settle(error, error ? undefined : channel));
      } catch (error) {
        // ssh2 throws when the connection is no longer writable.
        settle(unavailable(`${this.#where}: the ssh connection was lost`, error));
      }
    });
  }

  #connect(): SshConnection {
    const connection: SshConnection = {
      ready: this.#handshake(() => forget()),
      channels: 0,
      opened: 0,
      capacity: CHANNELS_PER_CONNECTION,
      closed: false,
    };
    const forget = () => {
      connection.closed = true;
      this.#connections = this.#connections.filter((c) => c !== connection);
    };
    // A failed attempt is forgotten so the next call tries again (sshd back after a restart).
    connection.ready.catch(forget);
    this.#connections.push(connection);
    return connection;
  }

  #handshake(onClose: () => void): Promise<Client> {
    const { endpoint, timeoutMs } = this.#options;
    const keys = this.#keys();
    const knownHosts = endpoint.knownHostsFile
      ? [endpoint.knownHostsFile]
      : defaultKnownHostsFiles();
    const name = knownHostsName(endpoint.host, endpoint.port);
    let verdict: HostKeyVerdict | undefined;
    let verifyError: unknown;
    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      let ready = false;
      // Kept for the client's life: errors after 'ready' end it with 'close', handled below.
      client.on('error', (error: Error & { level?: string }) => {
        if (ready) return;
        reject(this.#explain(error, verdict, verifyError, knownHosts, keys));
      });
      client.on('close', () => {
        onClose();
        if (!ready) reject(unavailable(`${this.#where}: the ssh server closed the connection`));
      });
      client.on('ready', () => {
        ready = true;
        resolve(client);
      });
      client.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: KEEPALIVE_MS,
        keepaliveCountMax: 3,
        // Key authentication only: no password, no keyboard-interactive prompt.
        authHandler: keys.map(
          ({ key }): PublicKeyAuthMethod => ({ type: 'publickey', username: endpoint.user, key }),
        ),
        hostVerifier: (key: Buffer) => {
          try {
            verdict = checkHostKey(knownHosts, name, key);
          } catch (error) {
            verifyError = error;
            return false;
          }
          return verdict === 'known';
        },
      });
    });
  }

  /** The identities to offer, read now so a rotated key is used on the next connection. */
  #keys(): { file: string; key: Buffer }[] {
    const { identityFile } = this.#options.endpoint;
    const candidates = identityFile
      ? [identityFile]
      : DEFAULT_KEYS.map((file) => join(homedir(), '.ssh', file));
    const keys: { file: string; key: Buffer }[] = [];
    for (const file of candidates) {
      let key: Buffer;
      try {
        key = readFileSync(file);
      } catch (error) {
        if (!identityFile && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw unavailable(`${this.#where}: cannot read the ssh key ${file}`, error);
      }
      const parsed = utils.parseKey(key);
      if (parsed instanceof Error) {
        // Wharf never prompts, so a passphrase-protected key cannot be used.
        throw unavailable(
          `${this.#where}: the ssh key ${file} cannot be used (${parsed.message}); Wharf needs a key without a passphrase`,
        );
      }
      keys.push({ file, key });
    }
    if (keys.length === 0) {
      throw unavailable(
        `${this.#where}: no ssh key: set sshKey in the engines file or create ${candidates.join(', ')}`,
      );
    }
    return keys;
  }

  #explain(
    error: Error & { level?: string },
    verdict: HostKeyVerdict | undefined,
    verifyError: unknown,
    knownHosts: readonly string[],
    keys: readonly { file: string }[],
  ): EngineUnavailableError {
    const { host, port, user } = this.#options.endpoint;
    const files = knownHosts.join(', ');
    if (verifyError !== undefined) {
      return unavailable(`${this.#where}: cannot read known_hosts (${files})`, verifyError);
    }
    switch (verdict) {
      case 'unknown':
        return unavailable(
          `${this.#where}: the ssh host key of ${knownHostsName(host, port)} is not in ${files}; ` +
            `check its fingerprint and add it (ssh-keyscan -p ${port} ${host})`,
          error,
        );
      case 'changed':
        return unavailable(
          `${this.#where}: the ssh host key of ${knownHostsName(host, port)} does not match ${files} ` +
            '(the host was reinstalled, or someone is in between); refusing to connect',
          error,
        );
      case 'revoked':
        return unavailable(
          `${this.#where}: the ssh host key is marked @revoked in ${files}`,
          error,
        );
      default:
        break;
    }
    if (error.level === 'client-authentication') {
      return unavailable(
        `${this.#where}: ssh refused ${user}'s key (${keys.map((k) => k.file).join(', ')}); ` +
          "add its public key to the host's authorized_keys",
        error,
      );
    }
    if (error.level === 'client-timeout') {
      return unavailable(
        `${this.#where}: the ssh handshake did not finish within ${this.#options.timeoutMs} ms`,
        error,
      );
    }
    return unavailable(`${this.#where}: cannot connect over ssh (${error.message})`, error);
  }
}
