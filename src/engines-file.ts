import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseApiVersion } from './engine/api-version.ts';
import { type EngineEndpoint, parseDockerHost } from './engine/docker-host.ts';
import { BadUserInputError } from './engine/errors.ts';
import { isLoopbackName } from './http/host-check.ts';

/** One engine behind this Wharf: an entry of WHARF_ENGINES_FILE, or `local` from DOCKER_HOST. */
export interface EngineSettings {
  /** Wharf's name for it: the first part of every global id (`name/<id>`) and loader key. */
  name: string;
  endpoint: EngineEndpoint;
  /** Pinned Engine API version; negotiated when undefined. */
  apiVersion: string | undefined;
  /**
   * Whether the engine runs on Wharf's host, so its paths (WHARF_BIND_ALLOW) and clock are
   * Wharf's: by default a unix socket does and a tcp or ssh engine does not.
   */
  sameHost: boolean;
}

export interface EnginesConfig {
  /** In the file's order; never empty. */
  list: readonly EngineSettings[];
  /** The engine a field without `engine` talks to: the one marked `default`, else the first. */
  defaultName: string;
}

/** Names go into global ids (`name/<id>`) and cursors: nothing that needs quoting or splitting. */
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const KEYS = new Set([
  'name',
  'host',
  'tlsVerify',
  'certPath',
  'apiVersion',
  'sshKey',
  'default',
  'sameHost',
]);

/** A unix socket is on Wharf's host unless the file says it leads elsewhere (a forwarded socket). */
const sameHostByDefault = (endpoint: EngineEndpoint) => endpoint.kind === 'unix';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A plain-HTTP engine on another host: whoever is on the path between them is root on that host,
 * and Wharf's tokens would guard nothing.
 */
export function refusePlainRemoteEngine(endpoint: EngineEndpoint, where: string): void {
  if (endpoint.kind !== 'tcp' || endpoint.tls) return;
  if (isLoopbackName(new URL(endpoint.origin).hostname)) return;
  throw new BadUserInputError(
    `${where}: refusing the engine at ${endpoint.origin}: it is not on this host and not reached ` +
      'over TLS. Set DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (tcp://HOST:2376), or use a unix socket',
  );
}

/** Only `fail`'s errors escape: the others (the host's, the version's) are named after the entry. */
function checked<T>(fail: (why: string) => Error, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw fail((error as Error).message);
  }
}

interface ParsedEntry extends EngineSettings {
  isDefault: boolean;
}

/** What every entry shares: the file's directory (relative paths) and WHARF_SSH_KNOWN_HOSTS. */
interface EntryContext {
  baseDir: string;
  knownHostsFile: string | undefined;
}

/** One entry, checked strictly; relative `certPath` and `sshKey` are relative to the file. */
function parseEntry(
  value: unknown,
  index: number,
  { baseDir, knownHostsFile }: EntryContext,
): ParsedEntry {
  const where = isRecord(value) && typeof value.name === 'string' ? ` "${value.name}"` : '';
  const fail = (why: string) =>
    new BadUserInputError(`engines file entry ${index}${where}: ${why}`);
  if (!isRecord(value)) throw fail('must be an object');
  const unknown = Object.keys(value).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) throw fail(`unknown field ${unknown.join(', ')}`);
  const {
    name,
    host,
    tlsVerify = false,
    certPath,
    apiVersion,
    sshKey,
    default: isDefault,
    sameHost,
  } = value;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw fail(
      'name must be 1 to 63 lowercase letters, digits, _ or -, starting with one of the first two',
    );
  }
  if (typeof host !== 'string' || host.trim() === '') {
    throw fail('host must be a DOCKER_HOST-style URL (unix:///path or tcp://HOST:PORT)');
  }
  if (typeof tlsVerify !== 'boolean') throw fail('tlsVerify must be true or false');
  if (certPath !== undefined && (typeof certPath !== 'string' || certPath === '')) {
    throw fail('certPath must be a directory holding ca.pem, cert.pem and key.pem');
  }
  if (apiVersion !== undefined && typeof apiVersion !== 'string') {
    throw fail('apiVersion must be a string like "1.41"');
  }
  if (isDefault !== undefined && typeof isDefault !== 'boolean') {
    throw fail('default must be true or false');
  }
  if (sameHost !== undefined && typeof sameHost !== 'boolean') {
    throw fail('sameHost must be true or false');
  }
  if (sshKey !== undefined && (typeof sshKey !== 'string' || sshKey === '')) {
    throw fail('sshKey must be the path of a private key file');
  }
  if (apiVersion !== undefined) checked(fail, () => parseApiVersion(apiVersion));
  const endpoint = checked(fail, () =>
    parseDockerHost(
      {
        DOCKER_HOST: host,
        DOCKER_TLS_VERIFY: tlsVerify ? '1' : undefined,
        // The docker CLI's default when unset (~/.docker), as for DOCKER_CERT_PATH.
        DOCKER_CERT_PATH: certPath === undefined ? undefined : resolve(baseDir, certPath),
        WHARF_SSH_KNOWN_HOSTS: knownHostsFile,
      },
      { identityFile: sshKey === undefined ? undefined : resolve(baseDir, sshKey) },
    ),
  );
  if (sshKey !== undefined && endpoint.kind !== 'ssh') throw fail('sshKey needs an ssh:// host');
  checked(fail, () => refusePlainRemoteEngine(endpoint, 'host'));
  return {
    name,
    endpoint,
    apiVersion: apiVersion?.trim(),
    sameHost: sameHost ?? sameHostByDefault(endpoint),
    isDefault: isDefault === true,
  };
}

/** WHARF_ENGINES_FILE's text (a JSON array of entries); a malformed entry is named in the error. */
export function parseEnginesFile(text: string, context: EntryContext): EnginesConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadUserInputError(`engines file is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new BadUserInputError('engines file must be a non-empty JSON array of entries');
  }
  const entries = parsed.map((entry, index) => parseEntry(entry, index, context));
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    if (seen.has(entry.name)) {
      throw new BadUserInputError(
        `engines file entry ${index} "${entry.name}": name is used twice`,
      );
    }
    seen.add(entry.name);
  }
  const defaults = entries.filter((entry) => entry.isDefault);
  if (defaults.length > 1) {
    throw new BadUserInputError(
      `engines file marks ${defaults.map((e) => `"${e.name}"`).join(' and ')} as default: mark one`,
    );
  }
  return {
    list: entries.map(({ isDefault: _default, ...settings }) => settings),
    defaultName: (defaults[0] ?? (entries[0] as ParsedEntry)).name,
  };
}

/** WHARF_ENGINES_FILE, read and checked; unreadable or malformed is a setup error (exit 2). */
export function loadEnginesFile(
  path: string,
  env: Record<string, string | undefined>,
): EnginesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new BadUserInputError(`cannot read WHARF_ENGINES_FILE ${path} (${code})`);
  }
  try {
    return parseEnginesFile(text, {
      baseDir: dirname(resolve(path)),
      knownHostsFile: env.WHARF_SSH_KNOWN_HOSTS?.trim() || undefined,
    });
  } catch (error) {
    throw new BadUserInputError(`WHARF_ENGINES_FILE ${path}: ${(error as Error).message}`);
  }
}

/** Without WHARF_ENGINES_FILE: one engine, `local`, from DOCKER_HOST and the TLS variables. */
export function engineFromEnvironment(env: Record<string, string | undefined>): EnginesConfig {
  const apiVersion = env.DOCKER_API_VERSION?.trim() || undefined;
  if (apiVersion) parseApiVersion(apiVersion);
  const endpoint = parseDockerHost(env);
  refusePlainRemoteEngine(endpoint, 'DOCKER_HOST');
  return {
    list: [{ name: 'local', endpoint, apiVersion, sameHost: sameHostByDefault(endpoint) }],
    defaultName: 'local',
  };
}
