import { describe, expect, it } from 'vitest';
import { framingOf } from '../../src/engine/decode/framing.ts';

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

describe('framingOf', () => {
  it('reads the multiplexed media type', () => {
    expect(framingOf(MULTIPLEXED, undefined)).toBe('multiplexed');
  });

  it('reads the raw media type when the Tty setting is unknown', () => {
    expect(framingOf(RAW, undefined)).toBe('raw');
  });

  it('ignores parameters, case and whitespace', () => {
    expect(framingOf(`${MULTIPLEXED}; charset=utf-8`, undefined)).toBe('multiplexed');
    expect(framingOf(` ${RAW.toUpperCase()} ;charset=binary`, undefined)).toBe('raw');
  });

  it('reads the first value of a repeated header', () => {
    expect(framingOf([MULTIPLEXED, RAW], undefined)).toBe('multiplexed');
    expect(framingOf([RAW], undefined)).toBe('raw');
    expect(framingOf([], true)).toBe('raw');
  });

  it('falls back to the Tty setting without a (known) media type', () => {
    expect(framingOf(undefined, true)).toBe('raw');
    expect(framingOf(undefined, false)).toBe('multiplexed');
    expect(framingOf('application/json', true)).toBe('raw');
    expect(framingOf('', false)).toBe('multiplexed');
  });

  it('defaults to multiplexed with neither', () => {
    expect(framingOf(undefined, undefined)).toBe('multiplexed');
    expect(framingOf('text/plain', undefined)).toBe('multiplexed');
  });

  it('trusts the multiplexed media type over the Tty setting', () => {
    expect(framingOf(MULTIPLEXED, true)).toBe('multiplexed');
    expect(framingOf(MULTIPLEXED, false)).toBe('multiplexed');
  });

  // Engine 20.10 (API 1.41) answers attach and exec start with `raw-stream` even without a TTY,
  // and then sends multiplexed frames (observed against the real engine, see hijack.test.ts).
  it('lets a known Tty setting win over the raw media type (API < 1.42 labels every stream raw)', () => {
    expect(framingOf(RAW, false)).toBe('multiplexed');
    expect(framingOf(RAW, true)).toBe('raw');
  });
});
