import { type DocumentNode, getOperationAST, Kind } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { Gauge, type Registry } from 'prom-client';
import { isLiveOperation } from '../streams/live-operation.ts';
import { releasing } from '../streams/releasing.ts';
import { OTHER } from './bounded-labels.ts';

/** The first root field's name: validated against the schema by now, so one of its few fields. */
function rootField(document: DocumentNode, operationName: string | null | undefined): string {
  const first = getOperationAST(document, operationName)?.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : OTHER;
}

/**
 * Subscriptions and `@live` queries running now, by root field (`containerLogs`, `events`) and
 * kind; each member of a shared subscription counts, as under the caps. Place it beside them.
 */
export function useSubscriptionMetrics(registry: Registry): Plugin {
  const active = new Gauge({
    name: 'wharf_subscriptions_active',
    help: 'Subscriptions and live queries running now, by root field',
    labelNames: ['field', 'kind'],
    registers: [registry],
  });
  const start = (labels: { field: string; kind: string }) => {
    active.inc(labels);
    return () => active.dec(labels);
  };
  return {
    onSubscribe({ args }) {
      const labels = { field: rootField(args.document, args.operationName), kind: 'subscription' };
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(releasing(result, start(labels)));
        },
      };
    },
    onExecute({ args }) {
      if (!isLiveOperation(args)) return;
      const labels = { field: rootField(args.document, args.operationName), kind: 'live' };
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(releasing(result, start(labels)));
        },
      };
    },
  };
}
