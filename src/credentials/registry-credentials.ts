import { readFile, stat } from 'node:fs/promises';
import { WharfError } from '../engine/errors.ts';
import { DOCKER_HUB } from '../engine/refs.ts';
import type { RegistryAuth } from '../engine/registry-auth.ts';
import { CredentialHelperError, helperGet } from './credential-helper.ts';
import {
  type AuthEntry,
  type CredentialConfig,
  HUB_SERVER,
  parseCredentialConfig,
} from './docker-config.ts';

/** Registry credentials Wharf holds for pulls, pushes and services; clients never see them. */
export interface RegistryCredentials {
  /** The credentials for a registry host (`host[:port]`, `docker.io`); undefined when none. */
  lookup(registry: string): Promise<RegistryAuth | undefined>;
}

/** Where credentials come from, asked in this order. */
export interface CredentialFiles {
  /** WHARF_REGISTRY_AUTH_FILE (config.json's format); checked at startup, so it must exist. */
  authFile?: string | undefined;
  /** The docker CLI's config.json (in DOCKER_CONFIG, else ~/.docker); none when absent. */
  dockerConfig?: string | undefined;
  /** Where `docker-credential-*` helpers are looked up (PATH). */
  env?: NodeJS.ProcessEnv;
}

/** Credentials were configured for the registry but could not be read: nothing was sent. */
export class CredentialsUnavailableError extends WharfError {
  constructor(message: string, options?: ErrorOptions) {
    super('CREDENTIALS_UNAVAILABLE', message, options);
  }
}

/** Reads a config file; undefined when it is absent (and may be). */
async function readConfig(path: string, mayBeAbsent: boolean) {
  try {
    return parseCredentialConfig(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (mayBeAbsent && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Read again when the file changes (`docker login` needs no restart), else kept. */
function watchedConfig(path: string, mayBeAbsent: boolean) {
  let seen: { stamp: string; config: CredentialConfig | undefined } | undefined;
  return async (): Promise<CredentialConfig | undefined> => {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (mayBeAbsent && error.code === 'ENOENT') return undefined;
      throw error;
    });
    const stamp = info ? `${info.mtimeMs}:${info.size}` : 'absent';
    if (seen?.stamp !== stamp) {
      seen = { stamp, config: info ? await readConfig(path, mayBeAbsent) : undefined };
    }
    return seen.config;
  };
}

function fromEntry(entry: AuthEntry, serveraddress: string): RegistryAuth | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (entry.auth) {
    const pair = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    return { username: pair.slice(0, colon), password: pair.slice(colon + 1), serveraddress };
  }
  if (entry.username && entry.password) {
    return { username: entry.username, password: entry.password, serveraddress };
  }
  return undefined;
}

/**
 * The docker CLI's order: the registry's own helper, else the store helper, else `auths`. A
 * helper that has nothing for the server falls through to `auths`.
 */
async function fromConfig(
  config: CredentialConfig,
  registry: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<RegistryAuth | undefined> {
  const server = config.servers.get(registry) ?? (registry === DOCKER_HUB ? HUB_SERVER : registry);
  const helper = config.credHelpers.get(registry) ?? config.credsStore;
  if (helper) {
    const answer = await helperGet(helper, server, env);
    if (answer) {
      return answer.Username === '<token>'
        ? { identitytoken: answer.Secret, serveraddress: server }
        : { username: answer.Username, password: answer.Secret, serveraddress: server };
    }
  }
  const entry = config.auths.get(registry);
  return entry && fromEntry(entry, server);
}

export function createRegistryCredentials(files: CredentialFiles): RegistryCredentials {
  const sources = [
    ...(files.authFile ? [watchedConfig(files.authFile, false)] : []),
    ...(files.dockerConfig ? [watchedConfig(files.dockerConfig, true)] : []),
  ];
  return {
    async lookup(registry) {
      try {
        for (const source of sources) {
          const config = await source();
          const auth = config && (await fromConfig(config, registry, files.env));
          if (auth) return auth;
        }
        return undefined;
      } catch (error) {
        // Clients learn which helper failed, not the server's paths; the cause is logged.
        const reason =
          error instanceof CredentialHelperError
            ? error.message
            : 'a credentials file is invalid or unreadable';
        throw new CredentialsUnavailableError(
          `the credentials for registry ${registry} could not be read: ${reason}`,
          { cause: error },
        );
      }
    },
  };
}
