import { createLiveQueryPatchGenerator } from '@n1ru4l/graphql-live-query-patch';
import { generateJSONPatch } from '@n1ru4l/graphql-live-query-patch-json-patch';
import type { ExecutionResult } from 'graphql';
import { BadUserInputError } from './engine/errors.ts';

/**
 * The request extension a `@live` client sets to get its updates as patches: `"extensions":
 * { "livePatch": "json-patch" }` in a graphql-ws `subscribe` payload or an HTTP/SSE request. It is
 * the request's and not the document's, so the same query text (GraphiQL's, a persisted one) runs
 * either way, and it needs no change to the `@live` directive the ecosystem defines.
 */
export const LIVE_PATCH_EXTENSION = 'livePatch';

/**
 * JSON Patch (RFC 6902): any language has a library to apply it, and the ecosystem's client helper
 * is `applyLiveQueryJSONPatch` (@n1ru4l/graphql-live-query-patch-json-patch).
 */
const FORMATS = ['json-patch'] as const;
export type LivePatchFormat = (typeof FORMATS)[number];

/** What the request asks for: no patches (whole results, the default), a format, or a refusal. */
export function requestedPatches(
  extensions: Record<string, unknown> | null | undefined,
): LivePatchFormat | undefined | BadUserInputError {
  const asked = extensions?.[LIVE_PATCH_EXTENSION];
  if (asked === undefined || asked === null) return undefined;
  return (
    FORMATS.find((format) => format === asked) ??
    new BadUserInputError(
      `extensions.${LIVE_PATCH_EXTENSION} must be one of ${FORMATS.map((f) => `"${f}"`).join(', ')}`,
    )
  );
}

/**
 * The live query's runs as the package sends them: the first whole, with `revision: 1`; each later
 * one as `{ patch, revision }` against the data before it, with that run's errors. A run whose
 * data and errors did not change sends nothing (a whole-result client gets it again); one whose
 * errors alone changed (an engine back, its part answering as before) sends an empty patch, or
 * the client would keep showing errors that are over.
 */
export function asPatches(
  runs: AsyncIterableIterator<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  let errors: string | undefined;
  let errorsChanged = false;
  const generator = createLiveQueryPatchGenerator((before, after) => {
    const patch = generateJSONPatch(before as Record<string, unknown>, after);
    return Array.isArray(patch) || !errorsChanged ? patch : [];
  });
  // Not an async generator: its return() would wait for a next run, holding the query open.
  const noted: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const next = await runs.next();
      if (!next.done) {
        const now = JSON.stringify(next.value.errors ?? []);
        errorsChanged = errors !== undefined && now !== errors;
        errors = now;
      }
      return next;
    },
    return: (value) => runs.return?.(value) ?? Promise.resolve({ done: true, value }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return generator(noted) as AsyncIterableIterator<ExecutionResult>;
}
