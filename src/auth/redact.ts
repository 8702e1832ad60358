import { hasRole, type Principal } from './principal.ts';

/** What a redacted value reads as. */
export const REDACTED = '***';

/** Label keys that usually hold a secret (`DB_PASSWORD`, `api.token`, `ssh-key`, …). */
const SECRET_KEY = /pass|secret|token|key|credential/i;

/** Env values are admin's: everyone else sees `KEY=***` (the key alone tells what is set). */
export function visibleEnv(principal: Principal, env: readonly string[]): string[] {
  if (hasRole(principal, 'admin')) return [...env];
  return env.map((entry) => {
    const equals = entry.indexOf('=');
    return equals < 0 ? entry : `${entry.slice(0, equals)}=${REDACTED}`;
  });
}

/**
 * An event's action: exec actions carry the command line (`exec_create: sh -c 'PGPASSWORD=… psql'`),
 * which is admin's like the env; below admin only the verb is left.
 */
export function visibleAction(principal: Principal, action: string): string {
  if (hasRole(principal, 'admin')) return action;
  const colon = action.indexOf(':');
  return colon < 0 || !action.startsWith('exec_') ? action : action.slice(0, colon);
}

/**
 * Labels, driver options (volumes, networks, IPAM) and event attributes: values of secret-looking
 * keys read `***` below admin, the key stays.
 */
export function visibleKeyValues(
  principal: Principal,
  labels: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const entries = Object.entries(labels ?? {});
  if (hasRole(principal, 'admin')) return Object.fromEntries(entries);
  return Object.fromEntries(
    entries.map(([key, value]) => [key, SECRET_KEY.test(key) ? REDACTED : value]),
  );
}

/** `key=value` below admin: `key=***` when the key looks secret. */
function hideSecretOption(option: string): string {
  const equals = option.indexOf('=');
  return equals > 0 && SECRET_KEY.test(option.slice(0, equals))
    ? `${option.slice(0, equals + 1)}${REDACTED}`
    : option;
}

/**
 * Driver options of volumes and networks: as visibleKeyValues, and below admin also the secret-
 * looking parts of a comma-separated value, such as the local driver's mount options
 * (`o: addr=…,username=u,password=***` for a CIFS volume).
 */
export function visibleOptions(
  principal: Principal,
  options: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const visible = visibleKeyValues(principal, options);
  if (hasRole(principal, 'admin')) return visible;
  return Object.fromEntries(
    Object.entries(visible).map(([key, value]) => [
      key,
      value.split(',').map(hideSecretOption).join(','),
    ]),
  );
}

/** Shorter values are too common to hide without hiding ordinary words (`on`, `1`, `yes`). */
const MIN_HIDDEN_LENGTH = 4;

const unchanged = (text: string) => text;

/** A pattern that matches `text` as it is. */
const literal = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * What a container prints can repeat its own env values (a health check that echoes its
 * connection string, a log line with the password it started with). Below admin, every
 * occurrence of one of them (longer than three characters) reads `***`; admins see the text.
 * One pass per text (a single pattern, longest value first, so a value that contains another is
 * hidden whole): cheap enough for every log line.
 */
export function envValueHider(
  principal: Principal,
  env: readonly string[],
): (text: string) => string {
  if (hasRole(principal, 'admin')) return unchanged;
  const values = env
    .flatMap((entry) => {
      const equals = entry.indexOf('=');
      const value = equals < 0 ? '' : entry.slice(equals + 1);
      return value.length >= MIN_HIDDEN_LENGTH ? [value] : [];
    })
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return unchanged;
  const pattern = new RegExp(values.map(literal).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}
