import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BadUserInputError } from '../engine/errors.ts';
import { CredentialConfigError, parseCredentialConfig } from './docker-config.ts';

/** Where Wharf's registry credentials are read from (src/credentials/registry-credentials.ts). */
export interface CredentialsConfig {
  /** WHARF_REGISTRY_AUTH_FILE: asked first. */
  authFile: string | undefined;
  /** The docker CLI's config.json: DOCKER_CONFIG's, else ~/.docker's; it may not exist. */
  dockerConfig: string;
}

type Env = Record<string, string | undefined>;

/**
 * Parsed once now, so a bad file refuses to start (it is read again when it changes); undefined
 * when it is absent and may be.
 */
function check(path: string, variable: string, mayBeAbsent: boolean) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (mayBeAbsent && code === 'ENOENT') return undefined;
    throw new BadUserInputError(`${variable}: cannot read ${path} (${code})`);
  }
  try {
    return parseCredentialConfig(text, path);
  } catch (error) {
    if (error instanceof CredentialConfigError) {
      throw new BadUserInputError(`${variable}: ${error.message}`);
    }
    throw error;
  }
}

/** For check-config: each file, in the order asked, and the registries it names (no secret). */
export function credentialsSummary(config: CredentialsConfig): string {
  const describe = (path: string, variable: string, mayBeAbsent: boolean) => {
    const parsed = check(path, variable, mayBeAbsent);
    if (!parsed) return `${path} (absent)`;
    const registries = [...new Set([...parsed.auths.keys(), ...parsed.credHelpers.keys()])];
    const store = parsed.credsStore ? `; store docker-credential-${parsed.credsStore}` : '';
    return `${path} (${registries.join(', ') || 'no registry'}${store})`;
  };
  return [
    ...(config.authFile ? [describe(config.authFile, 'WHARF_REGISTRY_AUTH_FILE', false)] : []),
    describe(config.dockerConfig, 'DOCKER_CONFIG', true),
  ].join(', then ');
}

export function loadCredentialsConfig(env: Env): CredentialsConfig {
  const authFile = env.WHARF_REGISTRY_AUTH_FILE?.trim() || undefined;
  const dockerConfig = join(env.DOCKER_CONFIG?.trim() || join(homedir(), '.docker'), 'config.json');
  if (authFile) check(authFile, 'WHARF_REGISTRY_AUTH_FILE', false);
  check(dockerConfig, 'DOCKER_CONFIG', true);
  return { authFile, dockerConfig };
}
