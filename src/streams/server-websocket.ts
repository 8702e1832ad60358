import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * The WebSocket class of Wharf's server (ws's `WebSocket` option):
 * - It does not pass a client's protocol faults (a message over `maxPayload`, a bad frame) on as
 *   'error' events: ws has already closed the socket with the right code (1009 for a message too
 *   big), and graphql-ws would print each one's raw stack to stderr. They go to `onClientFault`.
 * - What it sends in one turn of the event loop leaves in one write: an event delivered to the
 *   hundred subscriptions of one socket is one syscall, not a hundred.
 */
export function serverWebSocket(onClientFault: (error: Error) => void): typeof WebSocket {
  return class ServerWebSocket extends WebSocket {
    private corked = false;

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error' && isClientFault(args[0])) {
        onClientFault(args[0]);
        return true;
      }
      return super.emit(event, ...args);
    }

    override send: WebSocket['send'] = (...args: unknown[]) => {
      const raw = (this as unknown as { _socket?: Socket })._socket;
      if (raw && !this.corked && !raw.destroyed) {
        this.corked = true;
        raw.cork();
        setImmediate(() => {
          this.corked = false;
          raw.uncork();
        });
      }
      (WebSocket.prototype.send as (...a: unknown[]) => void).apply(this, args);
    };
  };
}

/** ws names the faults it found in what the peer sent `WS_ERR_*`. */
function isClientFault(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('WS_ERR_');
}
