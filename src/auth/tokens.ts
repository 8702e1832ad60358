import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BadUserInputError } from '../engine/errors.ts';
import type { Principal, Role } from './principal.ts';

/** One entry of the tokens file, as kept in memory: the token itself only as its SHA-256. */
export interface TokenEntry {
  name: string;
  role: Role;
  labels: readonly string[];
  /** The engines the token may use; undefined = all of them. */
  engines?: readonly string[];
  /** May read /metrics without being admin (a scraper's token). */
  metrics?: boolean;
  sha256: Buffer;
}

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const KEYS = new Set(['name', 'role', 'token', 'sha256', 'labels', 'engines', 'metrics']);
/** Short tokens can be guessed; a hash says nothing about length, so only `token` is checked. */
const MIN_TOKEN_LENGTH = 16;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One entry, checked strictly; errors name the entry by position and name. `configured`: the
 * engines behind this Wharf, which an `engines` list must name (unchecked when absent).
 */
function parseEntry(
  value: unknown,
  index: number,
  seen: Set<string>,
  configured: readonly string[] | undefined,
): TokenEntry {
  const where = isRecord(value) && typeof value.name === 'string' ? ` "${value.name}"` : '';
  const fail = (why: string) => new BadUserInputError(`tokens file entry ${index}${where}: ${why}`);
  if (!isRecord(value)) throw fail('must be an object');
  const unknown = Object.keys(value).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) throw fail(`unknown field ${unknown.join(', ')}`);
  const { name, role, token, sha256: hash, labels = [], engines, metrics } = value;
  if (typeof name !== 'string' || !/^[\w.@-]{1,64}$/.test(name)) {
    throw fail('name must be 1 to 64 letters, digits, or . _ @ -');
  }
  if (seen.has(name)) throw fail('name is used twice');
  seen.add(name);
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
    throw fail(`role must be one of ${ROLES.join(', ')}`);
  }
  if ((token === undefined) === (hash === undefined)) {
    throw fail('needs exactly one of "token" and "sha256"');
  }
  if (token !== undefined && (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)) {
    throw fail(`token must be a string of at least ${MIN_TOKEN_LENGTH} characters`);
  }
  if (typeof token === 'string' && /\s/.test(token)) throw fail('token must not contain spaces');
  if (hash !== undefined && (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash))) {
    throw fail('sha256 must be 64 hex digits');
  }
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string' && /^[^=]+=/.test(l))) {
    throw fail('labels must be a list of "key=value" strings');
  }
  if (
    engines !== undefined &&
    (!Array.isArray(engines) ||
      engines.length === 0 ||
      !engines.every((engine) => typeof engine === 'string'))
  ) {
    // An empty list would be a token that can reach nothing: a mistake, not a restriction.
    throw fail('engines must be a non-empty list of engine names');
  }
  if (metrics !== undefined && typeof metrics !== 'boolean') {
    throw fail('metrics must be true or false');
  }
  const unknownEngines = configured && engines?.filter((engine) => !configured.includes(engine));
  if (unknownEngines?.length) {
    throw fail(`engines: no engine named ${unknownEngines.map((e) => `"${e}"`).join(', ')}`);
  }
  return {
    name,
    role: role as Role,
    labels: [...labels] as string[],
    ...(engines && { engines: [...new Set(engines as string[])] }),
    ...(metrics === true && { metrics }),
    sha256: typeof token === 'string' ? sha256(token) : Buffer.from(hash as string, 'hex'),
  };
}

/**
 * The tokens file's text (a JSON array of entries); a malformed entry is named in the error.
 * `engines`: the configured engines' names, which every entry's `engines` must be among.
 */
export function parseTokens(text: string, engines?: readonly string[]): TokenEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadUserInputError(`tokens file is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new BadUserInputError('tokens file must be a non-empty JSON array of entries');
  }
  const seen = new Set<string>();
  const entries = parsed.map((entry, index) => parseEntry(entry, index, seen, engines));
  const digests = new Set(entries.map((entry) => entry.sha256.toString('hex')));
  if (digests.size !== entries.length) {
    throw new BadUserInputError('tokens file has the same token in two entries');
  }
  return entries;
}

/** WHARF_TOKENS_FILE, read and checked; unreadable or malformed is a setup error (exit 2). */
export function loadTokensFile(path: string, engines?: readonly string[]): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new BadUserInputError(`cannot read WHARF_TOKENS_FILE ${path} (${code})`);
  }
  try {
    return parseTokens(text, engines);
  } catch (error) {
    throw new BadUserInputError(`WHARF_TOKENS_FILE ${path}: ${(error as Error).message}`);
  }
}

/** The tokens in force; `replace` swaps them all at once (SIGHUP). */
export class TokenStore {
  private entries: readonly TokenEntry[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries;
  }

  replace(entries: readonly TokenEntry[]): void {
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The principal a presented token stands for. The token is hashed and compared with every
   * entry in constant time, without stopping at a match, so timing tells nothing about which
   * entry (or how much of one) matched.
   */
  authenticate(token: string): Principal | undefined {
    const digest = sha256(token);
    let match: TokenEntry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.sha256, digest) && match === undefined) match = entry;
    }
    if (!match) return undefined;
    const { name, role, labels, engines, metrics } = match;
    return {
      kind: 'token',
      name,
      role,
      labels,
      ...(engines && { engines }),
      ...(metrics && { metrics }),
    };
  }
}
