import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake Docker Engine: a real `node:http` server listening on a unix socket in a temp dir, so the
 * transport under test dials exactly what it dials in production (a socket path, origin
 * `http://docker`). Every request is recorded; routing is up to the test's handler.
 */
export type FakeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body so far (complete once `ended` resolved). */
  body: string;
  /** Resolves when the whole request body has been read. */
  ended: Promise<void>;
  /** Resolves when the exchange is over, answered or not. */
  closed: Promise<void>;
  /** True when the connection closed before the response was fully written (the client went away). */
  aborted: boolean;
}

export interface FakeEngine {
  socketPath: string;
  server: Server;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Connections accepted so far. */
  readonly connectionCount: number;
  /** Most connections open at the same time. */
  readonly maxOpenConnections: number;
  /** Most requests being served at the same time (arrived, response not yet closed). */
  readonly maxActiveRequests: number;
  close(): Promise<void>;
}

export async function startFakeEngine(handler: FakeHandler): Promise<FakeEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-fake-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connectionCount = 0;
  let maxOpenConnections = 0;
  let activeRequests = 0;
  let maxActiveRequests = 0;

  const server = createServer((req, res) => {
    activeRequests += 1;
    maxActiveRequests = Math.max(maxActiveRequests, activeRequests);
    let onEnd!: () => void;
    let onClose!: () => void;
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: '',
      ended: new Promise<void>((resolve) => {
        onEnd = resolve;
      }),
      closed: new Promise<void>((resolve) => {
        onClose = resolve;
      }),
      aborted: false,
    };
    requests.push(record);
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      record.body += chunk;
    });
    req.on('end', onEnd);
    res.on('close', () => {
      activeRequests -= 1;
      record.aborted = !res.writableFinished;
      onClose();
    });
    try {
      handler(req, res);
    } catch (error) {
      res.statusCode = 599;
      res.end(String(error));
    }
  });
  server.on('connection', (socket: Socket) => {
    connectionCount += 1;
    sockets.add(socket);
    maxOpenConnections = Math.max(maxOpenConnections, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    socketPath,
    server,
    requests,
    get connectionCount() {
      return connectionCount;
    },
    get maxOpenConnections() {
      return maxOpenConnections;
    },
    get maxActiveRequests() {
      return maxActiveRequests;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Answers with JSON (and an optional status), as the engine does. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** `GET /_ping` as the engine answers it. */
export function sendPing(res: ServerResponse, apiVersion: string | undefined): void {
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    ...(apiVersion && { 'api-version': apiVersion }),
  });
  res.end('OK');
}

/** Resolves with `promise`, or rejects after `ms` so a test that would hang fails instead. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface RawFakeEngine {
  socketPath: string;
  server: NetServer;
  /** Connections accepted so far (the server side of each). */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

/**
 * A fake engine one level down: a bare `net` server on a unix socket, for hijacked connections
 * (`Upgrade: tcp`) that a `node:http` server would not hand over byte for byte.
 */
export async function startRawFakeEngine(
  onConnection: (socket: Socket) => void,
): Promise<RawFakeEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-raw-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    // A client that goes away mid-test must not crash the test process.
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    socketPath,
    server,
    sockets,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawRequest {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Reads one HTTP request (head, then Content-Length bytes of body) off a raw socket; bytes past it
 * stay in the socket for the test to read.
 */
export function readRawRequest(socket: Socket): Promise<RawRequest> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onEnd = () => {
      socket.off('readable', onReadable);
      reject(new Error('the client closed before sending a whole request'));
    };
    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read()) {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) continue;
        const [requestLine = '', ...lines] = received
          .subarray(0, end)
          .toString('latin1')
          .split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        const bodyStart = end + 4;
        if (received.length < bodyStart + length) continue;
        socket.off('readable', onReadable);
        socket.off('end', onEnd);
        const rest = received.subarray(bodyStart + length);
        if (rest.length > 0) socket.unshift(rest);
        const [method = '', path = ''] = requestLine.split(' ');
        resolve({
          method,
          path,
          headers,
          body: received.subarray(bodyStart, bodyStart + length).toString('utf8'),
        });
        return;
      }
    };
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
  });
}
