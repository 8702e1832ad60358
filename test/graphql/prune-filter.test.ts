import { describe, expect, it } from 'vitest';
import { BadUserInputError } from '../../src/engine/errors.ts';
import { engineFilters } from '../../src/graphql/filters.ts';
import { pruneUntil } from '../../src/graphql/input-checks.ts';
import { thrown } from '../helpers/errors.ts';

/** What the prune mutations send for a PruneFilter. */
const pruneFilters = (filter: { label?: string[]; until?: string }) =>
  engineFilters({ label: filter.label, until: pruneUntil(filter.until) });

describe('PruneFilter.until', () => {
  const taken = [
    ['RFC 3339 in UTC', '2026-11-28T00:23:47Z'],
    ['RFC 3339 with nanoseconds', '2026-11-28T00:23:47.612152151Z'],
    ['RFC 3339 with an offset', '2026-11-28T00:23:47+01:00'],
    ['a date and minutes, no zone', '2026-11-28T00:23'],
    ['a date alone', '2026-11-28'],
    ['Unix seconds', '1764290627'],
    ['Unix seconds and nanoseconds', '1764290627.612152151'],
    ['hours', '24h'],
    ['minutes', '10m'],
    ['a fraction of an hour', '1.5h'],
    ['hours and minutes', '1h30m'],
    ['milliseconds', '300ms'],
    ['microseconds both ways', '5us'],
    ['microseconds with µ', '5µs'],
    ['six units', '1h1m1s1ms1us1ns'],
  ] as const;

  for (const [what, until] of taken) {
    it(`takes ${what}: ${until}`, () => {
      expect(pruneUntil(until)).toBe(until);
      expect(pruneFilters({ until })).toEqual({ until: [until] });
    });
  }

  const refused = [
    ['a word', 'yesterday'],
    ['nothing', ''],
    ['days (Go has no d unit)', '7d'],
    ['a negative duration', '-1h'],
    ['a unit alone', 'h'],
    ['a space inside', '24 h'],
    ['a space around', ' 24h'],
    ['seven units', '1h1m1s1ms1us1ns1h'],
    ['ten fraction digits', '2026-11-28T00:23:47.1234567891Z'],
    ['a date with a slash', '2026/11/28'],
    ['20 digits of seconds', '9'.repeat(20)],
    ['a filter injected after it', '24h","label":["x'],
    ['a newline', '24h\n'],
  ] as const;

  for (const [what, until] of refused) {
    it(`refuses ${what} with BAD_USER_INPUT`, () => {
      expect(() => pruneFilters({ until })).toThrow(BadUserInputError);
    });
  }

  it('names at most 80 characters of a long value', () => {
    const error = thrown(() => pruneUntil('x'.repeat(10_000))) as BadUserInputError;
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('x'.repeat(80));
    expect(error.message).not.toContain('x'.repeat(81));
  });

  it('leaves until out when none is given', () => {
    expect(pruneUntil(undefined)).toBeUndefined();
    expect(pruneUntil(null)).toBeUndefined();
    expect(pruneFilters({})).toEqual({});
  });
});

describe('PruneFilter.label', () => {
  const taken = [
    ['a key', ['env'], ['env']],
    ['a key and value', ['env=prod'], ['env=prod']],
    ['a value holding "="', ['env=a=b'], ['env=a=b']],
    ['an empty value', ['env='], ['env=']],
    // Sent as it is: the engine reads key `env!`; its negation is another filter (`label!`).
    ['"!=" verbatim', ['env!=prod'], ['env!=prod']],
    ['several, all of which must match', ['env=prod', 'tier'], ['env=prod', 'tier']],
  ] as const;

  for (const [what, label, sent] of taken) {
    it(`sends ${what}`, () => {
      expect(pruneFilters({ label: [...label] })).toEqual({ label: sent });
    });
  }

  const refused = [
    ['no key', ['=prod']],
    ['an empty label', ['']],
    ['a control character', ['env\u0001']],
    ['a newline', ['env\nx']],
    ['more than 1024 characters', ['x'.repeat(1025)]],
    ['one bad label among good ones', ['env', '=x']],
  ] as const;

  for (const [what, label] of refused) {
    it(`refuses ${what} with BAD_USER_INPUT`, () => {
      expect(() => pruneFilters({ label: [...label] })).toThrow(BadUserInputError);
    });
  }

  it('combines labels and until', () => {
    expect(pruneFilters({ label: ['env=prod'], until: '24h' })).toEqual({
      label: ['env=prod'],
      until: ['24h'],
    });
  });
});
