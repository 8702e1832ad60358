import { BadUserInputError } from '../engine/errors.ts';
import type { EngineFilters } from '../engine/filters.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_VALUE = 1024;

function checkValue(field: string, value: string): string {
  if (value === '' || value.length > MAX_VALUE || CONTROL.test(value)) {
    throw new BadUserInputError(
      `filter ${field}: values must be 1 to ${MAX_VALUE} characters without control characters`,
    );
  }
  return value;
}

function labelValue(value: string): string {
  checkValue('label', value);
  if (value.startsWith('=')) throw new BadUserInputError(`filter label "${value}" has no key`);
  return value;
}

type FilterInput = Record<
  string,
  readonly (string | number)[] | string | number | boolean | null | undefined
>;

/**
 * Typed filter input → the engine's filter map, checked before any engine call so a malformed
 * filter is BAD_USER_INPUT, not an engine 500. Enum values already hold the engine's words.
 */
export function engineFilters(input: FilterInput | null | undefined): EngineFilters | undefined {
  if (!input) return undefined;
  const filters: Record<string, string[]> = {};
  for (const [field, raw] of Object.entries(input)) {
    if (raw === null || raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    filters[field] = values.map((value) => {
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 0) {
          throw new BadUserInputError(`filter ${field}: ${value} must be a non-negative integer`);
        }
        return String(value);
      }
      if (typeof value === 'boolean') return String(value);
      return field === 'label' ? labelValue(value) : checkValue(field, value);
    });
  }
  return filters;
}

/** `isTask` is `is-task` on the wire. */
export function containerFilters(input: FilterInput | null | undefined): EngineFilters | undefined {
  const filters = engineFilters(input);
  if (!filters || !('isTask' in filters)) return filters;
  const { isTask, ...rest } = filters;
  return { ...rest, 'is-task': isTask };
}
