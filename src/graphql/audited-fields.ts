import {
  defaultFieldResolver,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { audit, auditCode, auditRule, collectingTargets, isDenial } from '../audit.ts';
import type { Context } from '../context.ts';

type Settled = { error: unknown } | { error?: undefined };

/** Calls `run` and `settled` once with its outcome, for a value, a promise or a throw alike. */
function observe<T>(run: () => T, settled: (outcome: Settled) => void): T {
  let result: T;
  try {
    result = run();
  } catch (error) {
    settled({ error });
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        settled({});
        return value;
      },
      (error: unknown) => {
        settled({ error });
        throw error;
      },
    ) as T;
  }
  settled({});
  return result;
}

/**
 * One line per mutation root field (or writing subscription), written when it settles: `deny` with the rule for a denial,
 * else `allow` (a failure adds its code as `details.error`), and the targets its writes named.
 * Argument values are never part of it: they can hold env values and other secrets.
 */
function auditWrite(field: GraphQLField<unknown, Context>, part: 'resolve' | 'subscribe'): void {
  const resolve = field[part] ?? defaultFieldResolver;
  field[part] = (root, args, ctx, info) => {
    const targets = new Set<string>();
    return collectingTargets(targets, () =>
      observe(
        () => resolve(root, args, ctx, info),
        ({ error }) => {
          const code = error === undefined ? undefined : auditCode(error);
          const denied = code !== undefined && isDenial(code);
          const rule = denied ? auditRule(error) : undefined;
          audit(ctx, {
            operation: field.name,
            decision: denied ? 'deny' : 'allow',
            ...(rule !== undefined && { rule }),
            targets: [...targets],
            ...(code !== undefined && !denied && { details: { error: code } }),
          });
        },
      ),
    );
  };
}

/** A denial thrown by this root field is one `deny` line; nothing else is. */
function auditDenials(field: GraphQLField<unknown, Context>): void {
  const record =
    (ctx: Context) =>
    ({ error }: Settled) => {
      if (error === undefined || !isDenial(auditCode(error))) return;
      const rule = auditRule(error);
      audit(ctx, { operation: field.name, decision: 'deny', ...(rule !== undefined && { rule }) });
    };
  const { resolve, subscribe } = field;
  if (resolve) {
    field.resolve = (root, args, ctx, info) =>
      observe(() => resolve(root, args, ctx, info), record(ctx));
  }
  if (subscribe) {
    field.subscribe = (root, args, ctx, info) =>
      observe(() => subscribe(root, args, ctx, info), record(ctx));
  }
}

/**
 * Mutations that act inside an exec session its lines already record (execSession.end counts
 * them): only their denials are lines of their own.
 */
const PART_OF_A_SESSION = new Set(['execInput']);

/**
 * Subscriptions that change the engine or a registry as mutations do: one line as they start
 * (or are refused), with the targets named until then.
 */
const WRITING_SUBSCRIPTIONS = new Set(['imagePull', 'imagePush']);

/**
 * The one place audit lines for GraphQL operations are written (see src/audit.ts for who writes
 * which line). Wraps the built schema's root fields outermost, so it sees every way a field ends:
 * bad input, a denial by scope-auth or the create policy, an engine failure, success.
 */
export function auditRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    if (PART_OF_A_SESSION.has(field.name)) auditDenials(field);
    else auditWrite(field, 'resolve');
  }
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    auditDenials(field);
  }
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    if (WRITING_SUBSCRIPTIONS.has(field.name)) auditWrite(field, 'subscribe');
    else auditDenials(field);
  }
  return schema;
}

/**
 * A denial thrown below a root field (a nested field's scope or rule) is one `deny` line per field
 * path and operation: `operation` is the path without list indices (`containers.edges.node.x`),
 * so a list of a hundred refused items is one line, as is every event of a subscription. Read
 * from the result's errors: fields that resolve never pay for it. Root fields are audited by
 * auditRootFields (a path of one).
 */
export function useNestedDenialAudit(): Plugin<Context> {
  const recorder = (ctx: Context) => {
    const seen = new Set<string>();
    return ({ result }: { result: ExecutionResult }) => {
      for (const error of result.errors ?? []) {
        if (!error.path || error.path.length < 2 || !isDenial(auditCode(error))) continue;
        const operation = error.path.filter((key) => typeof key === 'string').join('.');
        if (seen.has(operation)) continue;
        seen.add(operation);
        const rule = auditRule(error);
        audit(ctx, { operation, decision: 'deny', ...(rule !== undefined && { rule }) });
      }
    };
  };
  return {
    onExecute: ({ args }) => {
      const record = recorder(args.contextValue);
      return { onExecuteDone: (done) => handleStreamOrSingleExecutionResult(done, record) };
    },
    onSubscribe: ({ args }) => {
      const record = recorder(args.contextValue);
      return { onSubscribeResult: (done) => handleStreamOrSingleExecutionResult(done, record) };
    },
  };
}
