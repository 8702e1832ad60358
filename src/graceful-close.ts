import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Closing an HTTP server waits for every open request, and an SSE subscription never ends by
 * itself. This ends streams at once (the client's abort ends the subscription and its engine
 * stream), gives other requests `graceMs` to finish, then cuts what is left.
 */
export function gracefulClose(server: Server): (graceMs: number) => Promise<void> {
  const open = new Map<ServerResponse, IncomingMessage>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    open.set(res, req);
    res.once('close', () => open.delete(res));
  });
  return async (graceMs) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const [res, req] of open) {
      if (req.headers.accept?.includes('text/event-stream')) res.destroy();
    }
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    try {
      await closed;
    } finally {
      clearTimeout(cut);
    }
  };
}
