import type { WebSocket, WebSocketServer } from 'ws';

/**
 * graphql-ws ends a subscription on the client's `complete` (or a closed socket) by returning its
 * iterator, but a query or mutation has no iterator: it would run on. This gives each operation id
 * a signal that the client's `complete` for that id, or the socket's close, aborts.
 */
export function trackWsOperations(server: WebSocketServer) {
  const bySocket = new WeakMap<WebSocket, Map<string, AbortController>>();

  server.on('connection', (socket) => {
    const operations = new Map<string, AbortController>();
    bySocket.set(socket, operations);
    socket.on('message', (data, isBinary) => {
      if (isBinary || operations.size === 0) return;
      const id = completedId(data.toString());
      if (id !== undefined) abort(operations, id);
    });
    socket.once('close', () => {
      for (const id of [...operations.keys()]) abort(operations, id);
    });
  });

  return {
    /** The signal of operation `id` on `socket`; call `done` when the operation ends. */
    open(socket: WebSocket, id: string): AbortSignal {
      const controller = new AbortController();
      bySocket.get(socket)?.set(id, controller);
      return controller.signal;
    },
    done(socket: WebSocket, id: string): void {
      bySocket.get(socket)?.delete(id);
    },
  };
}

function abort(operations: Map<string, AbortController>, id: string): void {
  operations.get(id)?.abort();
  operations.delete(id);
}

/** The id of a `complete` message; graphql-ws itself reports malformed messages. */
function completedId(text: string): string | undefined {
  try {
    const message = JSON.parse(text) as { type?: unknown; id?: unknown };
    return message.type === 'complete' && typeof message.id === 'string' ? message.id : undefined;
  } catch {
    return undefined;
  }
}
