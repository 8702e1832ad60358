import { isLiveQueryOperationDefinitionNode } from '@n1ru4l/graphql-live-query';
import { type ExecutionArgs, getOperationAST } from 'graphql';

/**
 * A query with `@live` (and no `if: false`): it runs again on every change it read, for as long as
 * the client stays, so it is a stream (counted against the caps) and each run is an operation of
 * its own (its own budget, deadline and loaders).
 */
export function isLiveOperation(
  args: Pick<ExecutionArgs, 'document' | 'operationName' | 'variableValues'>,
): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  return operation
    ? isLiveQueryOperationDefinitionNode(operation, args.variableValues as Record<string, unknown>)
    : false;
}
