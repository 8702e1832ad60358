import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Host key checking as OpenSSH does with StrictHostKeyChecking=yes: a host whose key is not in a
 * known_hosts file is refused, never added. Plain, wildcard, negated and hashed (`|1|salt|hash`)
 * host patterns; `@revoked` keys are refused; `@cert-authority` lines are not used (no host
 * certificates).
 */

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

/** Where ssh looks when nothing else is configured. */
export function defaultKnownHostsFiles(): string[] {
  return [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` on any other. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** A comma-separated pattern list matches when some pattern does and no negated one does. */
function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|')) {
      if (hashedMatches(pattern, name)) matched = true;
    } else if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    // A missing file knows no host; any other failure must not pass for "unknown" silently.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Checks `key` (the wire-format public key blob the server presented) for `name`. */
export function checkHostKey(files: readonly string[], name: string, key: Buffer): HostKeyVerdict {
  const entries = files.flatMap(readLines).flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [patterns, , encoded] = fields;
    if (!patterns || !encoded) return [];
    return [{ marker, patterns, same: Buffer.from(encoded, 'base64').equals(key) }];
  });
  // A revoked key is refused whatever else the files say about it.
  if (entries.some((entry) => entry.marker === '@revoked' && entry.same)) return 'revoked';
  const forHost = entries.filter(
    (entry) => entry.marker === undefined && hostMatches(entry.patterns, name),
  );
  if (forHost.some((entry) => entry.same)) return 'known';
  return forHost.length > 0 ? 'changed' : 'unknown';
}
