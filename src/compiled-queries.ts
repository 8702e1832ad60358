import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from './log.ts';

/**
 * Queries run as code graphql-jit compiles once per document: a list screen of 100 containers
 * costs about a third less CPU than graphql-js's interpreter (`npm run bench`, bench/README.md).
 * Mutations and subscriptions keep graphql-js: it stops resolvers at the operation's signal, which
 * a long mutation (containerWait, imagePull) relies on; a query's deadline is enforced by its
 * scope (src/limits/operation-scope.ts) whichever runs it.
 */
export function useCompiledQueries(logger: Logger): Plugin {
  return useGraphQlJit(
    {},
    {
      enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation === 'query',
      // Validation has passed by then, so a document jit cannot compile is Wharf's bug: the
      // client gets the compile errors, the log says so.
      onError: (result) =>
        logger.error('graphql-jit could not compile a query', {
          errors: result.errors?.map((error) => error.message),
        }),
    },
  ) as Plugin;
}
