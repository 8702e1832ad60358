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

/** Labels with secret-looking keys keep their key but read `***` below admin. */
export function visibleLabels(
  principal: Principal,
  labels: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const entries = Object.entries(labels ?? {});
  if (hasRole(principal, 'admin')) return Object.fromEntries(entries);
  return Object.fromEntries(
    entries.map(([key, value]) => [key, SECRET_KEY.test(key) ? REDACTED : value]),
  );
}
