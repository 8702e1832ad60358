import { request } from 'node:http';
import WebSocket from 'ws';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with exactly the headers given (Host and Origin included), as a browser or an
 * attacker would send them; fetch would not let a test forge Host.
 */
export function rawRequest(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Opens the first bytes of an HTTP response and closes it: for streams (SSE) where the status and
 * headers are what the test is about.
 */
export function rawHead(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<Omit<RawResponse, 'body'> & { first: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, first: chunk.toString() });
        req.destroy();
      });
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, first: '' }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade: 'open' when accepted, else the HTTP status it was refused with. */
export function tryUpgrade(
  wsUrl: string,
  options: { origin?: string; headers?: Record<string, string> } = {},
): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, ['graphql-transport-ws'], {
      ...(options.origin && { origin: options.origin }),
      ...(options.headers && { headers: options.headers }),
    });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.on('error', reject);
  });
}
