import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
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

/** Where the engine listens: `origin` is what undici dials, `socketPath` set for unix sockets. */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; origin: 'http://docker' }
  | { kind: 'tcp'; origin: string; tls?: TlsFiles };

export interface DockerHostEnv {
  DOCKER_HOST?: string | undefined;
  DOCKER_TLS_VERIFY?: string | undefined;
  DOCKER_TLS?: string | undefined;
  DOCKER_CERT_PATH?: string | undefined;
}

/** As the docker CLI and docker-py read them: any non-empty value means set, even "0". */
function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/**
 * Reads DOCKER_HOST and the TLS variables the way the docker CLI and docker-py's `from_env` do:
 * TLS when DOCKER_TLS_VERIFY or DOCKER_TLS is set (or the port is 2376), certificates from
 * DOCKER_CERT_PATH (default ~/.docker) as ca.pem, cert.pem, key.pem.
 */
export function parseDockerHost(env: DockerHostEnv): EngineEndpoint {
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
  throw new BadUserInputError(
    `DOCKER_HOST ${host} is not supported: use unix:///path/to/docker.sock or tcp://host:port`,
  );
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
  return endpoint.kind === 'unix' ? `unix://${endpoint.socketPath}` : endpoint.origin;
}
