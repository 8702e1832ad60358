import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { EngineEndpoint } from './docker-host.ts';
import {
  EngineUnavailableError,
  engineErrorFromStatus,
  isUnavailableCause,
  WharfError,
} from './errors.ts';
import { type Hijacked, hijack } from './hijack.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Serialized as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** One call as it leaves for the engine; every engine call goes through `onCall`. */
export interface EngineCall {
  engine: string;
  method: HttpMethod;
  path: string;
  streaming: boolean;
}

export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface StreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface TransportOptions {
  engine: string;
  endpoint: EngineEndpoint;
  /** Deadline for every non-streaming call, connect included. */
  timeoutMs: number;
  /** Connections for short calls; streams get their own pool so they cannot starve them. */
  maxConnections: number;
  onCall?: ((call: EngineCall) => void) | undefined;
}

export interface Transport {
  readonly engine: string;
  request(method: HttpMethod, path: string, options?: RequestOptions): Promise<BufferedResponse>;
  /** The engine's hijacked upgrade (exec/attach): a raw duplex after the response head. */
  hijack(path: string, options?: RequestOptions): Promise<Hijacked>;
  /** Long-lived response: no deadline and no body idle timeout; abort it with `signal`. */
  stream(method: HttpMethod, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** Streaming responses (and hijacked connections) open right now: leaks show up here. */
  readonly openStreams: number;
  close(): Promise<void>;
}

/** Engine error bodies are small JSON; cap what we read so a hostile peer cannot make us buffer. */
const MAX_ERROR_BODY = 64 * 1024;

function pathWithQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function createPool(endpoint: EngineEndpoint, connections: number | null, timeoutMs: number): Pool {
  const connect =
    endpoint.kind === 'unix'
      ? { socketPath: endpoint.socketPath, timeout: timeoutMs }
      : {
          timeout: timeoutMs,
          ...(endpoint.tls && {
            ca: endpoint.tls.ca,
            cert: endpoint.tls.cert,
            key: endpoint.tls.key,
            rejectUnauthorized: endpoint.tls.verify,
          }),
        };
  return new Pool(endpoint.origin, { connections, connect });
}

async function readErrorMessage(body: Readable, statusCode: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < MAX_ERROR_BODY) chunks.push(chunk);
    size += chunk.length;
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: some proxies and old engines answer plain text.
  }
  return text || `engine answered HTTP ${statusCode}`;
}

export function createTransport(options: TransportOptions): Transport {
  const { engine, endpoint, timeoutMs, onCall } = options;
  const callPool = createPool(endpoint, options.maxConnections, timeoutMs);
  const streamPool = createPool(endpoint, null, timeoutMs);

  function toWharfError(error: unknown, signal: AbortSignal | undefined): unknown {
    if (error instanceof WharfError) return error;
    if (
      signal?.aborted &&
      signal.reason instanceof Error &&
      signal.reason.name !== 'TimeoutError'
    ) {
      return signal.reason;
    }
    if (isUnavailableCause(error) || (error instanceof Error && error.name === 'AbortError')) {
      const timedOut =
        error instanceof Error &&
        (error.name === 'TimeoutError' ||
          /timeout/i.test(String((error as { code?: string }).code)));
      return new EngineUnavailableError(
        timedOut
          ? `engine "${engine}" did not answer within ${timeoutMs} ms`
          : `engine "${engine}" is not reachable`,
        { cause: error },
      );
    }
    return error;
  }

  async function send(
    pool: Pool,
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    signal: AbortSignal | undefined,
    streaming: boolean,
  ) {
    const fullPath = pathWithQuery(path, options.query);
    onCall?.({ engine, method, path: fullPath, streaming });
    const hasBody = options.body !== undefined;
    const response = await pool.request({
      method,
      path: fullPath,
      headers: hasBody ? { 'content-type': 'application/json' } : {},
      body: hasBody ? JSON.stringify(options.body) : null,
      signal,
      headersTimeout: streaming ? 0 : timeoutMs,
      bodyTimeout: streaming ? 0 : timeoutMs,
    });
    if (response.statusCode >= 400) {
      const message = await readErrorMessage(response.body, response.statusCode);
      throw engineErrorFromStatus(response.statusCode, message);
    }
    return response;
  }

  let openStreams = 0;
  function track<T extends { once(event: 'close', listener: () => void): unknown }>(stream: T): T {
    openStreams += 1;
    stream.once('close', () => {
      openStreams -= 1;
    });
    return stream;
  }

  return {
    engine,
    get openStreams() {
      return openStreams;
    },

    async request(method, path, options = {}) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
      try {
        const response = await send(callPool, method, path, options, signal, false);
        const chunks: Buffer[] = [];
        for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks),
        };
      } catch (error) {
        throw toWharfError(error, signal);
      }
    },

    async stream(method, path, options = {}) {
      // Only the wait for response headers has a deadline; the body may stay quiet for hours.
      options.signal?.throwIfAborted();
      const headersDeadline = AbortSignal.timeout(timeoutMs);
      const controller = new AbortController();
      const abort = () => controller.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', abort, { once: true });
      const onDeadline = () => controller.abort(headersDeadline.reason);
      headersDeadline.addEventListener('abort', onDeadline, { once: true });
      try {
        const response = await send(streamPool, method, path, options, controller.signal, true);
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          body: track(response.body),
        };
      } catch (error) {
        options.signal?.removeEventListener('abort', abort);
        throw toWharfError(error, controller.signal);
      } finally {
        headersDeadline.removeEventListener('abort', onDeadline);
      }
    },

    async hijack(path, options = {}) {
      const fullPath = pathWithQuery(path, options.query);
      onCall?.({ engine, method: 'POST', path: fullPath, streaming: true });
      const hijacked = await hijack(endpoint, {
        method: 'POST',
        path: fullPath,
        body: options.body,
        ...(options.signal && { signal: options.signal }),
        timeoutMs,
      });
      track(hijacked.socket);
      return hijacked;
    },

    async close() {
      await Promise.all([callPool.close(), streamPool.close()]);
    },
  };
}
