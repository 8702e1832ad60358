import { BadUserInputError } from '../engine/errors.ts';
import { builder } from './builder.ts';

/**
 * Checks on client input shared by the mutation modules. Whatever the client sends ends up in the
 * engine's config store, so every string and list is capped.
 */
const MAX_STRING = 64 * 1024;
const MAX_ITEMS = 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a NUL cannot cross into argv or env
const NUL = /\u0000/;
/** os[/arch[/variant]], as pulls and builds take it. */
const PLATFORM = /^[a-z0-9_.-]{1,64}(\/[a-z0-9_.-]{1,64}){0,2}$/i;
/** A built-in driver (`bridge`) or a plugin (`vendor/plugin:tag`). */
const DRIVER = /^[a-zA-Z0-9][a-zA-Z0-9_.:/-]{0,254}$/;
/** `until` as the engine parses it: Unix seconds, an RFC 3339 date or a Go duration. */
const UNTIL =
  /^(\d{1,19}(\.\d{1,9})?|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?|(\d{1,9}(\.\d{1,9})?(ns|us|µs|ms|s|m|h)){1,6})$/;

export const LabelInput = builder.inputType('LabelInput', {
  description: 'A key and its value: a label, or a driver option.',
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

export const PruneFilter = builder.inputType('PruneFilter', {
  description: 'Which unused objects a prune may remove.',
  fields: (t) => ({
    label: t.stringList({ description: '`key` or `key=value`; all must match.' }),
    until: t.string({ description: 'Created before: a timestamp or a duration like `10m`.' }),
  }),
});

function capped(field: string, value: string): string {
  if (Buffer.byteLength(value, 'utf8') > MAX_STRING) {
    throw new BadUserInputError(`${field} is longer than ${MAX_STRING} bytes`);
  }
  return value;
}

/** Names, paths and options: one line, no control characters; empty only where `allowEmpty`. */
export function singleLine(field: string, value: string, allowEmpty = false): string {
  if (!allowEmpty && value === '') throw new BadUserInputError(`${field} cannot be empty`);
  if (CONTROL.test(capped(field, value))) {
    throw new BadUserInputError(`${field} cannot hold control characters`);
  }
  return value;
}

/** Arguments, environment and label values may span lines (scripts); only NUL is refused. */
export function argument(field: string, value: string): string {
  if (NUL.test(capped(field, value))) throw new BadUserInputError(`${field} cannot hold NUL`);
  return value;
}

/** `KEY=value` for a container's or an exec's environment. */
export function envEntry(field: string, entry: string): string {
  if (argument(field, entry).indexOf('=') < 1) {
    throw new BadUserInputError(`${field} entry "${entry.slice(0, 80)}" is not KEY=value`);
  }
  return entry;
}

export function platformSpec(field: string, value: string): string {
  if (!PLATFORM.test(value)) {
    throw new BadUserInputError(`${field} "${value.slice(0, 80)}" is not os[/arch[/variant]]`);
  }
  return value;
}

export function absolutePath(field: string, value: string): string {
  if (!singleLine(field, value, true).startsWith('/')) {
    throw new BadUserInputError(`${field} "${value.slice(0, 80)}" must be an absolute path`);
  }
  return value;
}

export function portNumber(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new BadUserInputError(`${field} ${value} is not a port (1 to 65535)`);
  }
  return value;
}

export function list<T, R>(
  field: string,
  values: readonly T[] | null | undefined,
  each: (value: T) => R,
): R[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (values.length > MAX_ITEMS) {
    throw new BadUserInputError(`${field} takes at most ${MAX_ITEMS} entries`);
  }
  return values.map(each);
}

/**
 * Key/value input → the engine's map. Keys are one non-empty line and unique; values may be empty
 * and span lines, on every kind of object alike.
 */
export function keyValueMap(
  field: string,
  entries: readonly { key: string; value: string }[] | null | undefined,
): Record<string, string> | undefined {
  const pairs = list(field, entries, ({ key, value }) => [
    singleLine(`${field} key`, key),
    argument(`${field} value`, value),
  ]);
  if (!pairs) return undefined;
  const map: Record<string, string> = {};
  for (const [key = '', value = ''] of pairs) {
    // `in` would also see Object.prototype's keys.
    if (Object.hasOwn(map, key)) {
      throw new BadUserInputError(`${field} key "${key.slice(0, 80)}" is given twice`);
    }
    map[key] = value;
  }
  return map;
}

export function driverName(field: string, value: string): string {
  if (!DRIVER.test(value)) {
    throw new BadUserInputError(`${field} "${value.slice(0, 80)}" is not a driver name`);
  }
  return value;
}

/** `until` of a prune filter, checked here: the engine answers a malformed one with a 500. */
export function pruneUntil(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!UNTIL.test(value)) {
    throw new BadUserInputError(
      `until "${value.slice(0, 80)}" is not a timestamp, an RFC 3339 date or a duration like 10m`,
    );
  }
  return value;
}

/** The distribution reference grammar: an optional registry host[:port], then path components. */
const DOMAIN =
  '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d{1,5})?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPO = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*$`);
const MAX_REPO = 255;
const TAG = /^\w[\w.-]{0,127}$/;

export function repository(value: string): string {
  // Length first: the pattern is only ever run on short input.
  if (value.length > MAX_REPO || !REPO.test(value)) {
    throw new BadUserInputError(
      `repo "${value.slice(0, 80)}" is not a repository name (lowercase path components, optionally after a registry host; no tag)`,
    );
  }
  return value;
}

export function tagName(value: string): string {
  if (!TAG.test(value)) {
    throw new BadUserInputError(
      `tag "${value.slice(0, 80)}" is not a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`,
    );
  }
  return value;
}
