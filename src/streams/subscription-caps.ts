import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { TooManyStreamsError } from '../engine/errors.ts';
import { clientAddress, type TransportContext } from '../transport-context.ts';
import { isLiveOperation } from './live-operation.ts';
import { releasing } from './releasing.ts';

/**
 * Caps the subscriptions (and `@live` queries, streams as well) running at once per WebSocket and
 * per client address (WebSocket and SSE together). The one over a cap ends at once with TOO_MANY_STREAMS; the socket stays open and
 * the client's other subscriptions go on. A slot is freed when its subscription ends, however
 * it ends (completed, unsubscribed, failed, socket closed).
 */
export function useSubscriptionCaps(limits: {
  maxSubscriptionsPerSocket: number;
  maxSubscriptionsPerClient: number;
}): Plugin<TransportContext> & { active(): number } {
  const bySocket = new WeakMap<object, number>();
  const byClient = new Map<string, number>();

  function take(socket: object | undefined, client: string): (() => void) | TooManyStreamsError {
    if (socket && (bySocket.get(socket) ?? 0) >= limits.maxSubscriptionsPerSocket) {
      return new TooManyStreamsError(
        'too many subscriptions on this WebSocket; complete some before starting more',
      );
    }
    if ((byClient.get(client) ?? 0) >= limits.maxSubscriptionsPerClient) {
      return new TooManyStreamsError(
        'too many subscriptions from this client; complete some before starting more',
      );
    }
    if (socket) bySocket.set(socket, (bySocket.get(socket) ?? 0) + 1);
    byClient.set(client, (byClient.get(client) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (socket) bySocket.set(socket, (bySocket.get(socket) ?? 1) - 1);
      const left = (byClient.get(client) ?? 1) - 1;
      if (left === 0) byClient.delete(client);
      else byClient.set(client, left);
    };
  }

  return {
    /** Subscriptions and live queries running now, every client together. */
    active: () => [...byClient.values()].reduce((sum, count) => sum + count, 0),
    onSubscribe({ args, setResultAndStopExecution }) {
      const taken = take(args.contextValue.socket, clientAddress(args.contextValue));
      if (taken instanceof TooManyStreamsError) {
        setResultAndStopExecution({ errors: [taken] });
        return;
      }
      return {
        onSubscribeResult({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(releasing(result, taken));
          else taken();
        },
        onSubscribeError: taken,
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (!isLiveOperation(args)) return;
      const taken = take(args.contextValue.socket, clientAddress(args.contextValue));
      if (taken instanceof TooManyStreamsError) {
        setResultAndStopExecution({ errors: [taken] });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) setResult(releasing(result, taken));
          else taken();
        },
      };
    },
  };
}
