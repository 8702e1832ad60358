import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BadUserInputError } from './errors.ts';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** DOCKER_TLS_VERIFY: check the engine's certificate against `ca`. */
  verify: boolean;
}

/**
 * An engine reached as the docker CLI does for `ssh://`: `docker system dial-stdio` run on the
 * host over ssh, key authentication only, the host key checked against known_hosts.
 */
export interface SshEndpoint {
  kind: 'ssh';
  /** undici's origin for the HTTP spoken over each channel. */
  origin: 'http://docker';
  user: string;
  host: string;
  port: number;
  /** The private key (the engines file's `sshKey`); else ~/.ssh/id_* as ssh tries them. */
  identityFile?: string;
  /** WHARF_SSH_KNOWN_HOSTS; else ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHostsFile?: string;
}

/** Where the engine listens: `origin` is what undici dials, `socketPath` set for unix sockets. */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; origin: 'http://docker' }
  | { kind: 'tcp'; origin: string; tls?: TlsFiles }
  | SshEndpoint;

export interface DockerHostEnv {
  DOCKER_HOST?: string | undefined;
  DOCKER_TLS_VERIFY?: string | undefined;
  DOCKER_TLS?: string | undefined;
  DOCKER_CERT_PATH?: string | undefined;
  WHARF_SSH_KNOWN_HOSTS?: string | undefined;
}

/** As the docker CLI and docker-py read them: any non-empty value means set, even "0". */
function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/**
 * Reads DOCKER_HOST and the TLS variables the way the docker CLI and docker-py's `from_env` do:
 * TLS when DOCKER_TLS_VERIFY or DOCKER_TLS is set (or the port is 2376), certificates from
 * DOCKER_CERT_PATH (default ~/.docker) as ca.pem, cert.pem, key.pem. `ssh://[user@]host[:port]` as
 * the CLI takes it, with the key (an engines file's `sshKey`) and WHARF_SSH_KNOWN_HOSTS.
 */
export function parseDockerHost(
  env: DockerHostEnv,
  ssh: { identityFile?: string | undefined } = {},
): EngineEndpoint {
  const host = env.DOCKER_HOST?.trim() || DEFAULT_DOCKER_HOST;
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath.startsWith('/')) {
      throw new BadUserInputError(`DOCKER_HOST ${host}: a unix socket path must be absolute`);
    }
    return { kind: 'unix', socketPath, origin: 'http://docker' };
  }
  if (host.startsWith('tcp://') || host.startsWith('http://') || host.startsWith('https://')) {
    let url: URL;
    try {
      url = new URL(host.replace(/^tcp:/, 'http:'));
    } catch {
      throw new BadUserInputError(`DOCKER_HOST ${host} is not a valid address`);
    }
    // URL drops a port that is the scheme's default (80, 443), so read it from the text.
    const explicitPort = /:(\d{1,5})\/?$/.exec(host)?.[1];
    const verify = isSet(env.DOCKER_TLS_VERIFY);
    const useTls =
      verify || isSet(env.DOCKER_TLS) || host.startsWith('https://') || explicitPort === '2376';
    const port = explicitPort ?? (useTls ? '2376' : '2375');
    if (!useTls) return { kind: 'tcp', origin: `http://${url.hostname}:${port}` };
    return {
      kind: 'tcp',
      origin: `https://${url.hostname}:${port}`,
      tls: readTlsFiles(env.DOCKER_CERT_PATH || join(homedir(), '.docker'), verify),
    };
  }
  if (host.startsWith('ssh://')) {
    return parseSshHost(host, ssh.identityFile, env.WHARF_SSH_KNOWN_HOSTS?.trim());
  }
  throw new BadUserInputError(
    `DOCKER_HOST ${host} is not supported: use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host`,
  );
}

/** `ssh://[user@]host[:port]` as the docker CLI takes it: no password, no path. */
function parseSshHost(
  host: string,
  identityFile: string | undefined,
  knownHostsFile: string | undefined,
): SshEndpoint {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new BadUserInputError(`DOCKER_HOST ${host} is not a valid address`);
  }
  if (url.password) {
    throw new BadUserInputError(
      `DOCKER_HOST ${url.protocol}//${url.hostname}: no passwords in ssh:// addresses (key authentication only)`,
    );
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    throw new BadUserInputError(`DOCKER_HOST ${host}: an ssh:// address takes no path`);
  }
  if (!url.hostname) throw new BadUserInputError(`DOCKER_HOST ${host} names no host`);
  return {
    kind: 'ssh',
    origin: 'http://docker',
    // As ssh does without a user: the local one.
    user: decodeURIComponent(url.username) || userInfo().username,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 22,
    ...(identityFile && { identityFile }),
    ...(knownHostsFile && { knownHostsFile }),
  };
}

/** Absent is fine (the file is optional); present but unreadable (EACCES, EISDIR) is a setup error. */
function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new BadUserInputError(`cannot read ${path} (${code ?? 'unknown error'})`, {
      cause: error,
    });
  }
}

function readTlsFiles(dir: string, verify: boolean): TlsFiles {
  const files: TlsFiles = { verify };
  const ca = readOptional(join(dir, 'ca.pem'));
  const cert = readOptional(join(dir, 'cert.pem'));
  const key = readOptional(join(dir, 'key.pem'));
  if (ca) files.ca = ca;
  if (cert) files.cert = cert;
  if (key) files.key = key;
  if (verify && !ca) {
    throw new BadUserInputError(`DOCKER_TLS_VERIFY is set but ${join(dir, 'ca.pem')} is missing`);
  }
  return files;
}

/** Human-readable endpoint for logs; never sent to GraphQL clients. */
export function describeEndpoint(endpoint: EngineEndpoint): string {
  if (endpoint.kind === 'ssh') return `ssh://${endpoint.user}@${endpoint.host}:${endpoint.port}`;
  return endpoint.kind === 'unix' ? `unix://${endpoint.socketPath}` : endpoint.origin;
}
