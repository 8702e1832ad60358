import { describe, expect, it } from 'vitest';
import {
  compareApiVersions,
  MAX_API_VERSION,
  MIN_API_VERSION,
  negotiateApiVersion,
  parseApiVersion,
  UnsupportedEngineError,
} from '../../src/engine/api-version.ts';
import { BadUserInputError, EngineError } from '../../src/engine/errors.ts';
import { thrown } from '../helpers/errors.ts';

describe('API version bounds', () => {
  it('supports Engine 20.10 (1.41) up to 1.47', () => {
    expect(MIN_API_VERSION).toBe('1.41');
    expect(MAX_API_VERSION).toBe('1.47');
  });
});

describe('parseApiVersion / compareApiVersions', () => {
  it('reads the minor number', () => {
    expect(parseApiVersion('1.41')).toBe(41);
    expect(parseApiVersion('1.9')).toBe(9);
    expect(parseApiVersion(' 1.45 ')).toBe(45);
  });

  it('compares numerically, not as strings', () => {
    expect(compareApiVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareApiVersions('1.100', '1.47')).toBeGreaterThan(0);
    expect(compareApiVersions('1.41', '1.41')).toBe(0);
  });

  it('rejects malformed versions with BadUserInputError', () => {
    for (const version of ['1.x', '2', 'v1.41', '', '1.', '1.41.0', '2.0', '1,41', '1.-1']) {
      const error = thrown(() => parseApiVersion(version));
      expect(error, JSON.stringify(version)).toBeInstanceOf(BadUserInputError);
      expect((error as BadUserInputError).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('negotiateApiVersion', () => {
  it('uses the engine maximum when it is within bounds', () => {
    expect(negotiateApiVersion('1.41')).toBe('1.41');
    expect(negotiateApiVersion('1.43')).toBe('1.43');
    expect(negotiateApiVersion('1.47')).toBe('1.47');
  });

  it('caps at MAX_API_VERSION for newer engines', () => {
    expect(negotiateApiVersion('1.48')).toBe(MAX_API_VERSION);
    expect(negotiateApiVersion('1.51')).toBe(MAX_API_VERSION);
    expect(negotiateApiVersion('1.100')).toBe(MAX_API_VERSION);
  });

  it('refuses engines below MIN_API_VERSION with ENGINE_UNSUPPORTED', () => {
    for (const engineMax of ['1.40', '1.30', '1.9']) {
      const error = thrown(() => negotiateApiVersion(engineMax));
      expect(error, engineMax).toBeInstanceOf(UnsupportedEngineError);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as UnsupportedEngineError).code).toBe('ENGINE_UNSUPPORTED');
      expect((error as Error).message).toContain(engineMax);
    }
  });

  it('lets a pin win over the engine maximum, in both directions', () => {
    expect(negotiateApiVersion('1.47', '1.41')).toBe('1.41');
    expect(negotiateApiVersion('1.45', '1.43')).toBe('1.43');
    expect(negotiateApiVersion('1.41', '1.44')).toBe('1.44');
    expect(negotiateApiVersion('1.60', '1.50')).toBe('1.50');
  });

  it('refuses a pin below the floor', () => {
    const error = thrown(() => negotiateApiVersion('1.47', '1.40'));
    expect(error).toBeInstanceOf(UnsupportedEngineError);
    expect((error as UnsupportedEngineError).code).toBe('ENGINE_UNSUPPORTED');
    expect((error as Error).message).toContain('1.40');
  });

  it('rejects malformed engine versions and pins', () => {
    for (const bad of ['1.x', '2', 'v1.41']) {
      expect(() => negotiateApiVersion(bad), bad).toThrow(BadUserInputError);
      expect(() => negotiateApiVersion('1.45', bad), `pin ${bad}`).toThrow(BadUserInputError);
    }
  });
});
