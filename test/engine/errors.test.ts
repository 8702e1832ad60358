import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  BadUserInputError,
  EngineBadRequestError,
  EngineConflictError,
  EngineError,
  EngineNotFoundError,
  EngineUnavailableError,
  engineErrorFromStatus,
  isUnavailableCause,
  OrphanedContainerError,
  WharfError,
} from '../../src/engine/errors.ts';

function withCode(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('WharfError family', () => {
  it('carries a stable code and the subclass name', () => {
    const error = new BadUserInputError('bad');
    expect(error).toBeInstanceOf(WharfError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.name).toBe('BadUserInputError');
    expect(error.message).toBe('bad');
  });

  it('keeps the cause', () => {
    const cause = new Error('socket');
    expect(new EngineUnavailableError('down', { cause }).cause).toBe(cause);
    expect(new EngineUnavailableError('down').code).toBe('ENGINE_UNAVAILABLE');
  });

  it('is a GraphQLError whose extensions are the code and the facts, never the cause', () => {
    const cause = Object.assign(new Error('connect ENOENT /run/secret.sock'), { code: 'ENOENT' });
    const error = new WharfError('CONFLICT', 'taken', { cause, facts: { createdId: 'abc' } });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions).toEqual({ createdId: 'abc', code: 'CONFLICT' });
    expect(error.cause).toBe(cause);
    expect(error.originalError).toBeUndefined();
    expect(JSON.stringify(error)).toBe(
      '{"message":"taken","extensions":{"createdId":"abc","code":"CONFLICT"}}',
    );
  });

  it('keeps its code over a fact of the same name', () => {
    const error = new WharfError('NOT_FOUND', 'gone', { facts: { code: 'OTHER' } });
    expect(error.extensions.code).toBe('NOT_FOUND');
  });

  it('takes only the closed set of codes', () => {
    // @ts-expect-error: a typo is not a WharfCode.
    expect(new WharfError('NOT_FOUN', 'typo').code).toBe('NOT_FOUN');
  });

  it("an orphaned container keeps the failure's code and facts and adds its id", () => {
    const failure = new WharfError('CONFLICT', 'name taken', { facts: { hint: 'x' } });
    const error = new OrphanedContainerError('abc', failure, new Error('remove failed'));
    expect(error.code).toBe('CONFLICT');
    expect(error.extensions).toEqual({ hint: 'x', orphanedId: 'abc', code: 'CONFLICT' });
    expect(error.cause).toBe(failure);
  });
});

describe('engineErrorFromStatus', () => {
  it('maps 400 to BAD_USER_INPUT', () => {
    const error = engineErrorFromStatus(400, 'invalid filter "foo"');
    expect(error).toBeInstanceOf(EngineBadRequestError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('invalid filter "foo"');
  });

  it('maps 404 to NOT_FOUND', () => {
    const error = engineErrorFromStatus(404, 'No such container: x');
    expect(error).toBeInstanceOf(EngineNotFoundError);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe('No such container: x');
  });

  it('maps 409 to CONFLICT', () => {
    const error = engineErrorFromStatus(409, 'container is already running');
    expect(error).toBeInstanceOf(EngineConflictError);
    expect(error.code).toBe('CONFLICT');
    expect(error.statusCode).toBe(409);
    expect(error.message).toBe('container is already running');
  });

  it('maps 500 and other statuses to ENGINE_ERROR, keeping message and status', () => {
    for (const status of [500, 503, 401, 418]) {
      const error = engineErrorFromStatus(status, `failure ${status}`);
      expect(error).toBeInstanceOf(EngineError);
      expect(error.code, String(status)).toBe('ENGINE_ERROR');
      expect(error.statusCode).toBe(status);
      expect(error.message).toBe(`failure ${status}`);
    }
  });

  it("maps the engine's ambiguous-prefix answer to AMBIGUOUS_REF (500 on 20.10, 400 later)", () => {
    for (const status of [500, 400]) {
      const error = engineErrorFromStatus(status, 'Multiple IDs found with provided prefix: a');
      expect(error).toBeInstanceOf(EngineError);
      expect(error.code, String(status)).toBe('AMBIGUOUS_REF');
      expect(error.statusCode).toBe(status);
      expect(error.message).toBe('Multiple IDs found with provided prefix: a');
    }
    expect(engineErrorFromStatus(500, 'multiple IDs found with provided prefix: 4f').code).toBe(
      'AMBIGUOUS_REF',
    );
  });

  it('a 404 for an object whose name contains "ambiguous" stays NOT_FOUND', () => {
    expect(engineErrorFromStatus(404, 'No such container: ambiguous-test').code).toBe('NOT_FOUND');
    expect(
      engineErrorFromStatus(
        409,
        'Conflict. The container name "/ambiguous" is already in use by container "0123"',
      ).code,
    ).toBe('CONFLICT');
  });
});

describe('isUnavailableCause', () => {
  it('is true for socket errors meaning "no engine there"', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EACCES', 'UND_ERR_SOCKET']) {
      expect(isUnavailableCause(withCode(code)), code).toBe(true);
    }
  });

  it('is true when the socket error is nested as cause', () => {
    const wrapped = new Error('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(isUnavailableCause(wrapped)).toBe(true);
    const deeper = new Error('outer', {
      cause: new Error('middle', { cause: withCode('ENOENT') }),
    });
    expect(isUnavailableCause(deeper)).toBe(true);
  });

  it('is true for a TimeoutError', () => {
    expect(isUnavailableCause(new DOMException('timed out', 'TimeoutError'))).toBe(true);
  });

  it('is false for a plain Error and for other codes', () => {
    expect(isUnavailableCause(new Error('bug'))).toBe(false);
    expect(isUnavailableCause(withCode('ERR_INVALID_ARG_TYPE'))).toBe(false);
    expect(isUnavailableCause(new Error('outer', { cause: new Error('inner') }))).toBe(false);
    expect(isUnavailableCause(new TypeError('x is undefined'))).toBe(false);
  });

  it('is false for non-errors, even with an unavailable-looking code', () => {
    expect(isUnavailableCause(undefined)).toBe(false);
    expect(isUnavailableCause('ECONNREFUSED')).toBe(false);
    expect(isUnavailableCause({ code: 'ECONNREFUSED' })).toBe(false);
  });
});
