import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  getOperationAST,
  Kind,
  type SelectionSetNode,
  validate,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { CostLimitError } from '../engine/errors.ts';
import { LIMIT_VARIABLES, type QueryLimits } from './limits.ts';

type RejectCallbacks = NonNullable<NonNullable<Parameters<typeof maxDepthPlugin>[0]>['onReject']>;

/** Every refusal is COST_LIMIT and names its limit; the numbers only outside production. */
function refusal(limit: string, numbers: string, production: boolean): CostLimitError {
  return new CostLimitError(`${limit} exceeded${production ? '' : ` (${numbers})`}`);
}

/** graphql-armor's own error says "Syntax Error"; ours says which limit, with the code. */
function rejectAs(limit: string, production: boolean): RejectCallbacks {
  return [
    (context, error) => {
      const numbers = error.message.replace(/^Syntax Error: /, '');
      const coded = refusal(limit, numbers, production);
      if (context) context.reportError(coded);
      else throw coded;
    },
  ];
}

/** Root fields a mutation runs, fragments included; skipped ones count too (a document's upper bound). */
function rootFieldCount(document: DocumentNode, selectionSet: SelectionSetNode): number {
  const keys = new Set<string>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) keys.add((selection.alias ?? selection.name).value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
        );
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) visit(fragment.selectionSet, seen);
      }
    }
  };
  visit(selectionSet, new Set());
  return keys.size;
}

/** The cost budget and the root-mutation count need the variables: checked as execution starts. */
function budgetErrors(args: ExecutionArgs, limits: QueryLimits, production: boolean) {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation === 'mutation') {
    const count = rootFieldCount(args.document, operation.selectionSet);
    if (count > limits.maxRootMutations) {
      return [
        refusal(
          `root mutation limit (${LIMIT_VARIABLES.maxRootMutations})`,
          `${count} mutations, at most ${limits.maxRootMutations} per document`,
          production,
        ),
      ];
    }
  }
  const rule = createComplexityRule({
    context: (args.contextValue ?? {}) as object,
    variableValues: args.variableValues ?? {},
    operationName: args.operationName ?? null,
    maxComplexity: limits.maxCost,
    validate: ({ complexity }, report) => {
      if (complexity > limits.maxCost) {
        report(
          refusal(
            `cost limit (${LIMIT_VARIABLES.maxCost})`,
            `cost ${complexity}, at most ${limits.maxCost}`,
            production,
          ),
        );
      }
    },
  });
  // An operation whose cost cannot be computed (a malformed global id in an argument) is refused
  // too: running it would skip the budget for all its other fields.
  return validate(args.schema, args.document, [rule]).map((error) =>
    typeof error.extensions.code === 'string'
      ? error
      : new GraphQLError(error.message, {
          nodes: error.nodes ?? null,
          extensions: { code: 'BAD_USER_INPUT' },
        }),
  );
}

/**
 * Static limits, checked before anything runs, on every transport (yoga's envelop pipeline also
 * parses and validates for graphql-ws): tokens while parsing, depth and aliases in validation,
 * then root mutations and the cost budget as execution starts.
 */
export function useStaticLimits(limits: QueryLimits, production: boolean): Plugin[] {
  const expose = { exposeLimits: !production, propagateOnRejection: false };
  const check: Plugin = {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = budgetErrors(args, limits, production);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = budgetErrors(args, limits, production);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
  return [
    maxTokensPlugin({
      n: limits.maxTokens,
      ...expose,
      onReject: rejectAs(`token limit (${LIMIT_VARIABLES.maxTokens})`, production),
    }),
    maxDepthPlugin({
      n: limits.maxDepth,
      ...expose,
      onReject: rejectAs(`depth limit (${LIMIT_VARIABLES.maxDepth})`, production),
    }),
    maxAliasesPlugin({
      n: limits.maxAliases,
      ...expose,
      onReject: rejectAs(`alias limit (${LIMIT_VARIABLES.maxAliases})`, production),
    }),
    check,
  ];
}
