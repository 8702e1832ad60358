import { describe, expect, it } from 'vitest';
import { currentCallScope, runInCallScope } from '../../src/engine/call-scope.ts';
import { fitJson, jsonSize } from '../../src/limits/json-size.ts';
import { DEFAULT_LIMITS } from '../../src/limits/limits.ts';
import { chargeResponseBytes, OperationScope } from '../../src/limits/operation-scope.ts';

const call = { engine: 'local', method: 'GET', path: '/x', streaming: false } as const;

function scope(options: Partial<ConstructorParameters<typeof OperationScope>[0]> = {}) {
  return new OperationScope({
    client: '127.0.0.1',
    clientSignal: undefined,
    limits: { ...DEFAULT_LIMITS, maxEngineCalls: 2, queryTimeoutMs: 50, maxResponseBytes: 10 },
    production: true,
    deadlineFrom: 'start',
    tally: { calls: 0 },
    ...options,
  });
}

describe('OperationScope', () => {
  it('refuses the call over the budget and aborts the rest', () => {
    const s = scope();
    s.charge(call);
    s.charge(call);
    expect(() => s.charge(call)).toThrow(expect.objectContaining({ code: 'ENGINE_CALL_LIMIT' }));
    expect(s.signal.aborted).toBe(true);
    s.dispose();
  });

  it('aborts with QUERY_TIMEOUT at the deadline', async () => {
    const s = scope();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.signal.reason).toMatchObject({ code: 'QUERY_TIMEOUT' });
    s.dispose();
  });

  it('starts an event deadline at its first engine call, not while waiting for the event', async () => {
    const s = scope({ deadlineFrom: 'first-call' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.signal.aborted).toBe(false);
    s.charge(call);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(s.signal.reason).toMatchObject({ code: 'QUERY_TIMEOUT' });
    s.dispose();
  });

  it('aborts with CLIENT_GONE when the client leaves', () => {
    const client = new AbortController();
    const s = scope({ clientSignal: client.signal });
    client.abort();
    expect(s.signal.reason).toMatchObject({ code: 'CLIENT_GONE' });
    s.dispose();
  });

  it('charges response bytes to the scope the code runs in', () => {
    const s = scope();
    runInCallScope(s, () => {
      expect(currentCallScope()).toBe(s);
      chargeResponseBytes(10);
      expect(() => chargeResponseBytes(1)).toThrow(
        expect.objectContaining({ code: 'RESPONSE_TOO_LARGE' }),
      );
    });
    s.dispose();
  });
});

describe('JSON sizes', () => {
  it('counts a NUL as six bytes, a quote as two, UTF-8 as its bytes', () => {
    expect(jsonSize('\u0000')).toBe(6);
    expect(jsonSize('"\n')).toBe(4);
    expect(jsonSize('é😀')).toBe(6);
    expect(jsonSize('\ud800')).toBe(6);
  });

  it('cuts at the last whole character that fits', () => {
    expect(fitJson('\u0000\u0000a', 12)).toEqual({ text: '\u0000\u0000', size: 12 });
    expect(fitJson('a😀', 4)).toEqual({ text: 'a', size: 1 });
    expect(fitJson('abc', 10)).toEqual({ text: 'abc', size: 3 });
    for (const text of ['a\u0000"\\é😀\ud800\t\u001f', 'x'.repeat(50)]) {
      for (let room = 0; room < 40; room++) {
        const fit = fitJson(text, room);
        expect(fit.size).toBe(jsonSize(fit.text));
        expect(fit.size).toBeLessThanOrEqual(room);
      }
    }
  });
});
