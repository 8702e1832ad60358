import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.ts';

function invalid(message: string): never {
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') invalid('DateTime must be an RFC 3339 string');
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    invalid(`"${value.slice(0, 40)}" is not an RFC 3339 date-time`);
  }
  return date;
}

builder.scalarType('DateTime', {
  description: 'An RFC 3339 date-time in UTC, e.g. 2026-11-28T00:23:47.612152151Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : value),
  parseValue: parseDateTime,
  parseLiteral: (ast) =>
    ast.kind === Kind.STRING ? parseDateTime(ast.value) : invalid('DateTime must be a string'),
});

function parseSafeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    invalid('SafeInt must be an integer within ±(2^53 - 1)');
  }
  return value;
}

builder.scalarType('SafeInt', {
  description:
    'An integer up to 2^53 - 1 (byte counts and memory sizes exceed the 32-bit Int), sent as a JSON number.',
  serialize: (value) => value,
  parseValue: parseSafeInt,
  parseLiteral: (ast) =>
    ast.kind === Kind.INT ? parseSafeInt(Number(ast.value)) : invalid('SafeInt must be an integer'),
});

/** The engine writes "0001-01-01T00:00:00Z" (Go's zero time) for "never". */
export function engineTime(value: string | undefined | null): string | null {
  if (!value || value.startsWith('0001-01-01')) return null;
  return value;
}

/** Engine list calls give Unix seconds. */
export function unixTime(seconds: number): Date {
  return new Date(seconds * 1000);
}
