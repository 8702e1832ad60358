import { useRateLimiter } from '@envelop/rate-limiter';
import type { Plugin } from 'graphql-yoga';
import { type AuditContext, audit } from '../audit.ts';
import { BadUserInputError, RateLimitedError } from '../engine/errors.ts';

/** WHARF_MUTATION_RATE: how many calls of one mutation one token may make in a sliding window. */
export interface MutationRate {
  max: number;
  windowMs: number;
}

/** Five a second on average, in bursts as large as a minute's: a script's pace, not a flood's. */
export const DEFAULT_MUTATION_RATE: MutationRate = { max: 300, windowMs: 60_000 };

const RATE = /^(\d{1,6})\/(\d{1,5})(s|m|h)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** `<max>/<window>` with the window in s, m or h (e.g. `300/1m`), or `off`; unset: the default. */
export function parseMutationRate(value: string | undefined): MutationRate | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return DEFAULT_MUTATION_RATE;
  if (text === 'off') return undefined;
  const [, max = '0', count = '0', unit = 's'] = RATE.exec(text) ?? [];
  if (Number(max) < 1 || Number(count) < 1) {
    throw new BadUserInputError(
      `WHARF_MUTATION_RATE=${text} must be <max>/<window> such as 300/1m (window in s, m or h), or off`,
    );
  }
  return { max: Number(max), windowMs: Number(count) * (UNIT_MS[unit] ?? 1_000) };
}

/**
 * Per token and per mutation, at most `max` calls in any window: over it, the whole operation is
 * refused before anything runs (RATE_LIMITED), and the refusal is audited. A stolen token or a
 * runaway script cannot drive the engine at its own pace; queries are bounded by their cost, and
 * streams by their caps. Refused calls count too: hammering does not shorten the wait.
 */
export function useMutationRate(rate: MutationRate): Plugin {
  const retryAfterSeconds = Math.ceil(rate.windowMs / 1_000);
  return useRateLimiter({
    identifyFn: (ctx) => (ctx as AuditContext).principal.name,
    configByField: [{ type: 'Mutation', field: '*', max: rate.max, window: `${rate.windowMs}ms` }],
    onRateLimitError: ({ context, field }) =>
      audit(context as AuditContext, {
        operation: field.name,
        decision: 'deny',
        rule: 'rate.mutations',
      }),
    transformError: () =>
      new RateLimitedError(
        `more than ${rate.max} calls of this mutation in ${retryAfterSeconds} s for this token`,
        retryAfterSeconds,
      ),
  }) as Plugin;
}
