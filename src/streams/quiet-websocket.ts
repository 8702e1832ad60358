import { WebSocket } from 'ws';

/**
 * A WebSocket class (ws's `WebSocket` server option) that does not pass a client's protocol
 * faults (a message over `maxPayload`, a bad frame) on as 'error' events: ws has already closed
 * the socket with the right code (1009 for a message too big), and graphql-ws would print each
 * one's raw stack to stderr. They go to `onClientFault` instead, for the log.
 */
export function quietWebSocket(onClientFault: (error: Error) => void): typeof WebSocket {
  return class QuietWebSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error' && isClientFault(args[0])) {
        onClientFault(args[0]);
        return true;
      }
      return super.emit(event, ...args);
    }
  };
}

/** ws names the faults it found in what the peer sent `WS_ERR_*`. */
function isClientFault(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('WS_ERR_');
}
