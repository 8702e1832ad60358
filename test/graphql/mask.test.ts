import { PothosValidationError } from '@pothos/core';
import { GraphQLError, locatedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, OrphanedContainerError, WharfError } from '../../src/engine/errors.ts';
import { maskError } from '../../src/graphql/errors.ts';

const mask = (error: unknown) => maskError(error, 'Unexpected error.', false) as GraphQLError;

/** yoga answers HTTP 500 for a result without data unless every error's root is a GraphQLError. */
function rootIsGraphQLError(error: GraphQLError): boolean {
  let root: unknown = error;
  while (root instanceof GraphQLError && root.originalError) root = root.originalError;
  return root instanceof GraphQLError;
}

describe('maskError', () => {
  it('lets a WharfError raised in a resolver through as it is, with its code and facts', () => {
    const thrown = new OrphanedContainerError('abc', new BadUserInputError('bad port'), undefined);
    const located = locatedError(thrown, undefined, ['containerCreate']);
    const masked = mask(located);
    expect(masked).toBe(located);
    expect(masked.originalError).toBe(thrown);
    expect(masked.toJSON()).toEqual({
      message: thrown.message,
      path: ['containerCreate'],
      extensions: { orphanedId: 'abc', code: 'BAD_USER_INPUT' },
    });
    expect(rootIsGraphQLError(masked)).toBe(true);
  });

  it('lets a WharfError raised outside any field through as it is', () => {
    const error = new WharfError('QUERY_TIMEOUT', 'the operation ran past its deadline');
    expect(mask(error)).toBe(error);
  });

  it('gives a Pothos validation failure BAD_USER_INPUT and its own message', () => {
    const located = locatedError(new PothosValidationError('not a global id'), undefined, ['node']);
    const masked = mask(located);
    expect(masked.toJSON()).toEqual({
      message: 'not a global id',
      path: ['node'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(rootIsGraphQLError(masked)).toBe(true);
  });

  it("keeps a coded GraphQLError's own message under graphql's prefix", () => {
    const scalar = new GraphQLError('SafeInt must be an integer', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const coercion = new GraphQLError(`Variable "$n" got invalid value 1.5; ${scalar.message}`, {
      originalError: scalar,
    });
    expect(mask(coercion).toJSON()).toEqual({
      message: 'SafeInt must be an integer',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('hides everything else behind "Unexpected error.", without a stack', () => {
    const secret = new Error('connect ENOENT /run/secret.sock');
    for (const error of [locatedError(secret, undefined, ['containers']), secret]) {
      const masked = mask(error);
      expect(masked.message).toBe('Unexpected error.');
      expect(masked.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      expect(JSON.stringify(masked)).not.toMatch(/secret|stack|\.ts:\d+/);
    }
  });

  it('does not pass an uncoded GraphQLError wrapped around a plain error', () => {
    const located = locatedError(new TypeError('x is undefined'), undefined, ['engine']);
    expect(mask(located).extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
