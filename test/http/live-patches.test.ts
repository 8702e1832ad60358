import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { asPatches } from '../../src/live-patches.ts';

/** A live query's runs as @envelop/live-query yields them. */
async function* runs(...results: ExecutionResult[]): AsyncGenerator<ExecutionResult> {
  for (const result of results) yield { ...result, isLive: true } as ExecutionResult;
}

const down = { message: 'engine side is unavailable', extensions: { code: 'ENGINE_UNAVAILABLE' } };

describe('asPatches', () => {
  it('sends a run whose errors alone changed, so a client drops errors that are over', async () => {
    const sent: ExecutionResult[] = [];
    const data = { containers: { totalCount: 1 } };
    for await (const result of asPatches(
      runs(
        { data },
        { data, errors: [down] as never },
        { data, errors: [down] as never },
        { data },
      ),
    )) {
      sent.push(result);
    }
    expect(sent).toEqual([
      { data, revision: 1 },
      { patch: [], errors: [down], revision: 2 },
      // The third run repeats the second: nothing sent. The fourth's errors are over.
      { patch: [], revision: 3 },
    ]);
  });

  it('still sends nothing for a run that changed nothing, and patches changed data', async () => {
    const sent: ExecutionResult[] = [];
    for await (const result of asPatches(
      runs({ data: { a: 1 } }, { data: { a: 1 } }, { data: { a: 2 } }),
    )) {
      sent.push(result);
    }
    expect(sent).toEqual([
      { data: { a: 1 }, revision: 1 },
      { patch: [{ op: 'replace', path: '/a', value: 2 }], revision: 2 },
    ]);
  });
});
