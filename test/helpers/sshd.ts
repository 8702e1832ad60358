/**
 * A real OpenSSH sshd in front of a private engine, for `ssh://` engines. Each connection to
 * 127.0.0.1:<port> starts `sshd -i` (inetd mode) inside the engine's network namespace, with a
 * throwaway host key, one authorized user key, key authentication only, and DOCKER_HOST set for
 * its sessions to the engine's socket, so the `docker system dial-stdio` Wharf asks for reaches
 * the private engine. Inetd mode lets stop() cut every connection at once (a daemon's sessions
 * would outlive it) and start() listen on the same port again.
 *
 * Needs root, sshd (openssh-server), ssh-keygen and nsenter.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PrivateEngine } from './private-engine.ts';
import { onPath } from './processes.ts';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  /** `ssh://root@127.0.0.1:<port>`, for DOCKER_HOST or an engines file. */
  dockerHost: string;
  /** The user's private key (an engine's `sshKey`). */
  identityFile: string;
  /** A known_hosts file holding this server's host key. */
  knownHostsFile: string;
  /** A known_hosts file naming this host with another key (a changed host key). */
  wrongKnownHostsFile: string;
  /** A known_hosts file that does not name this host. */
  emptyKnownHostsFile: string;
  /** Connections served right now. */
  readonly connections: number;
  /** Closes the port and cuts every connection (their sshd processes are killed). */
  stop(): Promise<void>;
  /** Listens on the same port again. */
  start(): Promise<void>;
  /** stop() and removes the keys and config. */
  close(): Promise<void>;
}

async function keygen(file: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wharf-test', '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim();
}

/** `ssh-ed25519 AAAA… comment` → `ssh-ed25519 AAAA…` */
function keyFields(publicKey: string): string {
  return publicKey.split(/\s+/).slice(0, 2).join(' ');
}

export async function startSshd(
  engine: PrivateEngine,
  options: { maxSessions?: number } = {},
): Promise<Sshd> {
  const missing = [];
  if (
    !(await access(SSHD, constants.X_OK).then(
      () => true,
      () => false,
    ))
  ) {
    missing.push(`${SSHD} (apt-get install openssh-server)`);
  }
  if (!(await onPath('ssh-keygen'))) missing.push('ssh-keygen (apt-get install openssh-client)');
  if (!(await onPath('nsenter'))) missing.push('nsenter (apt-get install util-linux)');
  if (missing.length > 0) throw new Error(`the sshd helper needs ${missing.join(', ')}`);
  const dir = await mkdtemp('/tmp/wharf-sshd-');
  // sshd's privilege separation directory, which the openssh-server service creates at boot.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_key');
  const hostPublic = await keygen(hostKey);
  const otherPublic = await keygen(join(dir, 'other_host_key'));
  const identityFile = join(dir, 'user_key');
  const userPublic = await keygen(identityFile);
  await writeFile(join(dir, 'authorized_keys'), `${userPublic}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The keys live under /tmp, which is world-writable.
      'StrictModes no',
      'PidFile none',
      'LogLevel ERROR',
      `MaxSessions ${options.maxSessions ?? 10}`,
      `SetEnv DOCKER_HOST=${engine.dockerHost}`,
      '',
    ].join('\n'),
  );

  const children = new Set<ChildProcess>();
  const sockets = new Set<Socket>();
  const serve = (socket: Socket) => {
    sockets.add(socket);
    const child = spawn(
      'nsenter',
      [
        `--net=/var/run/netns/${engine.netns}`,
        SSHD,
        '-i',
        '-f',
        config,
        '-E',
        join(dir, 'sshd.log'),
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    children.add(child);
    socket.pipe(child.stdin);
    child.stdout.pipe(socket);
    const end = () => {
      socket.destroy();
      child.kill('SIGKILL');
    };
    socket.once('close', () => {
      sockets.delete(socket);
      end();
    });
    socket.on('error', () => {});
    child.stdin.on('error', () => {});
    child.once('exit', () => {
      children.delete(child);
      end();
    });
  };

  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const next = createServer(serve);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        const address = next.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);

  const knownHostsFile = join(dir, 'known_hosts');
  const wrongKnownHostsFile = join(dir, 'known_hosts.wrong');
  const emptyKnownHostsFile = join(dir, 'known_hosts.empty');
  await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${keyFields(hostPublic)}\n`);
  await writeFile(wrongKnownHostsFile, `[127.0.0.1]:${port} ${keyFields(otherPublic)}\n`);
  await writeFile(emptyKnownHostsFile, `[127.0.0.1]:1 ${keyFields(hostPublic)}\n`);

  const stop = async () => {
    const closing = server;
    server = undefined;
    // close() waits for open connections, so they are cut first.
    const closed = new Promise<void>((resolve) =>
      closing ? closing.close(() => resolve()) : resolve(),
    );
    const exits = [...children].map(
      (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
    );
    for (const socket of sockets) socket.destroy();
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([closed, ...exits]);
  };

  return {
    port,
    dockerHost: `ssh://root@127.0.0.1:${port}`,
    identityFile,
    knownHostsFile,
    wrongKnownHostsFile,
    emptyKnownHostsFile,
    get connections() {
      return sockets.size;
    },
    stop,
    async start() {
      if (!server) await listen(port);
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
