import { rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';

/** One HTTP request a client sent through the proxy. */
export interface ProxiedRequest {
  method: string;
  /** The request target as sent: `/v1.41/events?since=…`. */
  path: string;
  /**
   * Its connection is open and carried no request after it. For a stream that ends only when its
   * connection closes (`/events` without `until`), that is: still in flight.
   */
  open: boolean;
}

// Where a request starts on a connection. Bodies here are JSON and never hold an HTTP request line.
const REQUEST_LINE = /(?:^|\r\n)([A-Z]+) (\/\S*) HTTP\/1\.[01]\r\n/g;

/** The engine's event stream with no end (`until` bounds a replay, which ends on its own). */
const isEventStream = (request: ProxiedRequest) =>
  request.method === 'GET' &&
  /^(\/v[\d.]+)?\/events(\?|$)/.test(request.path) &&
  !/[?&]until=/.test(request.path);

/**
 * A unix socket in front of the engine's that forwards bytes both ways and notes the request line
 * of every request, so a test can count what a Wharf keeps open on the engine.
 */
export async function startCountingProxy(listenPath: string, enginePath: string) {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  // Half-open both ways: an exec's stdin EOF is a half-close, and its output still comes back.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const engine = createConnection({ path: enginePath, allowHalfOpen: true });
    sockets.add(client);
    sockets.add(engine);
    let latest: ProxiedRequest | undefined;
    client.on('data', (chunk: Buffer) => {
      for (const [, method = '', path = ''] of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
        if (latest) latest.open = false;
        latest = { method, path, open: true };
        requests.push(latest);
      }
    });
    const close = () => {
      if (latest) latest.open = false;
      client.destroy();
      engine.destroy();
      sockets.delete(client);
      sockets.delete(engine);
    };
    for (const socket of [client, engine]) {
      socket.once('close', close);
      socket.on('error', close);
    }
    client.pipe(engine);
    engine.pipe(client);
  });
  rmSync(listenPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPath, resolve);
  });
  return {
    /** A DOCKER_HOST for the proxy. */
    dockerHost: `unix://${listenPath}`,
    requests,
    /** `/events` streams the engine is serving through this proxy right now. */
    openEventStreams: () => requests.filter((r) => r.open && isEventStream(r)).length,
    /** `/events` streams ever opened through this proxy (a reconnect opens another). */
    eventStreamsOpened: () => requests.filter(isEventStream).length,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type CountingProxy = Awaited<ReturnType<typeof startCountingProxy>>;
