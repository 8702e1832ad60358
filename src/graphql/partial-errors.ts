import { type GraphQLError, type GraphQLResolveInfo, locatedError } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.ts';
import type { WharfError } from '../engine/errors.ts';

/**
 * A field that answers with part of its data (a list whose one engine is down) reports what is
 * missing as errors on its own path; the field keeps the data the others gave.
 */
export function reportPartial(
  ctx: Context,
  info: GraphQLResolveInfo,
  errors: readonly WharfError[],
): void {
  for (const error of errors) {
    ctx.partialErrors.push(locatedError(error, info.fieldNodes, pathOf(info.path)));
  }
}

function pathOf(path: GraphQLResolveInfo['path'] | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let at = path; at; at = at.prev) keys.unshift(at.key);
  return keys;
}

/** Adds the errors fields reported beside their data to each result of the operation. */
export function usePartialErrors(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as Context;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const partial: GraphQLError[] = ctx.partialErrors.splice(0);
            if (partial.length > 0) {
              setResult({ ...result, errors: [...(result.errors ?? []), ...partial] });
            }
          }),
      };
    },
  };
}
