import { DOCKER_HUB } from '../engine/refs.ts';

/** One `auths` entry of a docker CLI config file, as `docker login` writes it. */
export interface AuthEntry {
  /** base64 of `user:password`. */
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/**
 * The credential parts of a docker CLI config file (`~/.docker/config.json`), keyed by registry
 * host as Wharf names registries (`host[:port]`, Docker Hub as `docker.io`). `servers` keeps the
 * key as the file spelled it: credential helpers are asked with that server address.
 */
export interface CredentialConfig {
  auths: ReadonlyMap<string, AuthEntry>;
  credHelpers: ReadonlyMap<string, string>;
  credsStore: string | undefined;
  servers: ReadonlyMap<string, string>;
}

/** What the docker CLI calls Docker Hub's server address (its key in `auths`). */
export const HUB_SERVER = 'https://index.docker.io/v1/';

const HUB_KEYS = new Set(['index.docker.io', 'registry-1.docker.io', 'docker.io']);
/** A helper is the program `docker-credential-<name>`, found on PATH. */
const HELPER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/** A config key (`https://host:port/v1/`, `host:port`, …) as a registry host. */
export function registryKey(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    ?.toLowerCase();
  return !host || HUB_KEYS.has(host) ? DOCKER_HUB : host;
}

/** Why a config file is refused, naming the file and the entry (never a secret). */
export class CredentialConfigError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function authEntry(value: unknown, where: string): AuthEntry {
  if (!isRecord(value)) throw new CredentialConfigError(`${where}: must be an object`);
  const entry: AuthEntry = {};
  for (const field of ['auth', 'username', 'password', 'identitytoken'] as const) {
    const text = value[field];
    if (text === undefined || text === '') continue;
    if (typeof text !== 'string')
      throw new CredentialConfigError(`${where}.${field}: not a string`);
    entry[field] = text;
  }
  if (entry.auth !== undefined && !Buffer.from(entry.auth, 'base64').includes(':')) {
    throw new CredentialConfigError(`${where}.auth: not base64 of user:password`);
  }
  return entry;
}

function helperName(value: unknown, where: string): string {
  if (typeof value !== 'string' || !HELPER_NAME.test(value)) {
    throw new CredentialConfigError(`${where}: not a credential helper name`);
  }
  return value;
}

/** Parses a config file's text; other keys (proxies, aliases, …) are the CLI's and are ignored. */
export function parseCredentialConfig(text: string, source: string): CredentialConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CredentialConfigError(`${source}: not valid JSON`);
  }
  if (!isRecord(parsed)) throw new CredentialConfigError(`${source}: must be a JSON object`);
  const auths = new Map<string, AuthEntry>();
  const servers = new Map<string, string>();
  const credHelpers = new Map<string, string>();
  const { auths: authsValue = {}, credHelpers: helpersValue = {}, credsStore } = parsed;
  if (!isRecord(authsValue)) throw new CredentialConfigError(`${source}: auths must be an object`);
  for (const [key, value] of Object.entries(authsValue)) {
    const entry = authEntry(value, `${source}: auths["${key}"]`);
    auths.set(registryKey(key), entry);
    servers.set(registryKey(key), key);
  }
  if (!isRecord(helpersValue)) {
    throw new CredentialConfigError(`${source}: credHelpers must be an object`);
  }
  for (const [key, value] of Object.entries(helpersValue)) {
    credHelpers.set(registryKey(key), helperName(value, `${source}: credHelpers["${key}"]`));
    if (!servers.has(registryKey(key))) servers.set(registryKey(key), key);
  }
  return {
    auths,
    credHelpers,
    credsStore:
      credsStore === undefined || credsStore === ''
        ? undefined
        : helperName(credsStore, `${source}: credsStore`),
    servers,
  };
}
