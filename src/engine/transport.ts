import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { currentCallScope } from './call-scope.ts';
import type { EngineEndpoint, SshEndpoint } from './docker-host.ts';
import {
  EngineBusyError,
  EngineUnavailableError,
  engineErrorFromStatus,
  isUnavailableCause,
  TooManyStreamsError,
  WharfError,
} from './errors.ts';
import { FairQueue } from './fair-queue.ts';
import { type Hijacked, hijack } from './hijack.ts';
import { SshDialer } from './ssh-dialer.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Serialized as JSON. */
  body?: unknown;
  /** Sent as it is, instead of `body` (an archive upload's tar). */
  rawBody?: { contentType: string; bytes: Uint8Array };
  /** Extra request headers (a registry's credentials); never logged or traced. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One call as it leaves for the engine; every engine call goes through `onCall`. */
export interface EngineCall {
  engine: string;
  method: HttpMethod;
  path: string;
  streaming: boolean;
}

/** How a call that was sent ended: the engine's HTTP status, or the error that ended it. */
export type EngineCallOutcome = { statusCode: number } | { error: unknown };

/**
 * Watches every call the transport sends: called as it leaves, it returns what to call once it
 * has ended (a buffered call's whole body read, a stream's or hijack's response head).
 */
export type EngineCallObserver = (call: EngineCall) => (outcome: EngineCallOutcome) => void;

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
  /**
   * Connections for short calls, shared fairly: one queue per client (the call scope's `client`),
   * served in turn. Streams get their own pool so they cannot starve them.
   */
  maxConnections: number;
  /** Engine streams (streaming responses, hijacked connections) open at once; more are refused. */
  maxStreams?: number | undefined;
  onCall?: ((call: EngineCall) => void) | undefined;
}

export interface Transport {
  readonly engine: string;
  request(method: HttpMethod, path: string, options?: RequestOptions): Promise<BufferedResponse>;
  /** The engine's hijacked upgrade (exec/attach): a raw duplex after the response head. */
  hijack(path: string, options?: RequestOptions): Promise<Hijacked>;
  /** Long-lived response: no deadline and no body idle timeout; abort it with `signal`. */
  stream(method: HttpMethod, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** Streaming responses and hijacked connections open (or opening) right now: leaks show up here. */
  readonly openStreams: number;
  /** Adds an observer of every call sent from now on; the function returned removes it. */
  observeCalls(observer: EngineCallObserver): () => void;
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

/** What a pool dials: the endpoint's socket, or channels of the engine's ssh connection. */
type DialTarget = Exclude<EngineEndpoint, SshEndpoint> | SshDialer;

function createPool(target: DialTarget, connections: number | null, timeoutMs: number): Pool {
  if (target instanceof SshDialer) {
    const ssh = target;
    // undici drives any Duplex; its connector type names net.Socket only.
    return new Pool('http://docker', {
      connections,
      connect: (_options, callback) => {
        ssh.open().then(
          (channel) => callback(null, channel as Socket),
          (error: Error) => callback(error, null),
        );
      },
    });
  }
  const endpoint = target;
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

/** Engine streams open at once by default: far below dockerd's file limits. */
export const DEFAULT_MAX_STREAMS = 256;

/**
 * Stream slots only the shared upstreams (event and stats hubs, which run outside any call scope)
 * may take, so clients filling the cap cannot cut every subscriber off the engine's events.
 */
export function sharedStreamReserve(maxStreams: number): number {
  return Math.min(Math.max(1, Math.floor(maxStreams / 8)), maxStreams - 1);
}

/** Calls made outside any operation (hubs, readiness) share one fairness queue. */
const NO_CLIENT = '';

export function createTransport(options: TransportOptions): Transport {
  const { engine, endpoint, timeoutMs, onCall } = options;
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  const clientStreams = maxStreams - sharedStreamReserve(maxStreams);
  // One ssh connection for both pools and the hijacks: each HTTP connection is a channel on it.
  const target: DialTarget =
    endpoint.kind === 'ssh' ? new SshDialer({ engine, endpoint, timeoutMs }) : endpoint;
  const ssh = target instanceof SshDialer ? target : undefined;
  const callPool = createPool(target, options.maxConnections, timeoutMs);
  const streamPool = createPool(target, null, timeoutMs);
  const callQueue = new FairQueue(options.maxConnections);
  /** Engine streams open or opening; `scopedStreams` of them for operations. */
  let openStreams = 0;
  let scopedStreams = 0;
  const observers = new Set<EngineCallObserver>();

  /** The observers' end callbacks for one call, as it leaves. */
  function observe(call: EngineCall): (outcome: EngineCallOutcome) => void {
    onCall?.(call);
    const ends = [...observers].map((observer) => observer(call));
    return (outcome) => {
      for (const end of ends) end(outcome);
    };
  }

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

  /**
   * The call-scope contract: the operation making the call is charged for it (and may refuse it),
   * and its abort ends the call along with the caller's own signal.
   */
  function enter(call: EngineCall, own: AbortSignal | undefined) {
    const scope = currentCallScope();
    const signals = [own, scope?.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    signal?.throwIfAborted();
    scope?.charge(call);
    return { scope, signal };
  }

  /**
   * A slot under the stream cap, taken before the engine is asked, released when it closes.
   * Operations' streams count against `maxStreams - reserve` as well, so they never take the
   * slots kept for the shared upstreams.
   */
  function openStreamSlot(scoped: boolean): () => void {
    if (openStreams >= maxStreams || (scoped && scopedStreams >= clientStreams)) {
      throw new TooManyStreamsError(
        'too many engine streams are open (log follows, exec attaches, pulls, stats); close some or try again later',
      );
    }
    openStreams += 1;
    if (scoped) scopedStreams += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      openStreams -= 1;
      if (scoped) scopedStreams -= 1;
    };
  }

  /**
   * Waits for a short-call connection in the client's fair queue. The wait is bounded on its own
   * (timeoutMs), so the call's deadline, which starts once it is sent, is all the engine's.
   */
  async function acquireConnection(client: string, signal: AbortSignal | undefined) {
    const waitLimit = AbortSignal.timeout(timeoutMs);
    try {
      return await callQueue.acquire(
        client,
        signal ? AbortSignal.any([signal, waitLimit]) : waitLimit,
      );
    } catch (error) {
      if (waitLimit.aborted && !signal?.aborted) {
        throw new EngineBusyError(
          `engine "${engine}" had no free connection within ${timeoutMs} ms; try again later`,
        );
      }
      throw error;
    }
  }

  async function send(
    pool: Pool,
    call: EngineCall,
    options: RequestOptions,
    signal: AbortSignal | undefined,
  ) {
    const { rawBody } = options;
    const hasBody = options.body !== undefined;
    const response = await pool.request({
      method: call.method,
      path: call.path,
      headers: {
        ...options.headers,
        ...(rawBody
          ? { 'content-type': rawBody.contentType }
          : hasBody && { 'content-type': 'application/json' }),
      },
      body: rawBody ? rawBody.bytes : hasBody ? JSON.stringify(options.body) : null,
      signal,
      headersTimeout: call.streaming ? 0 : timeoutMs,
      bodyTimeout: call.streaming ? 0 : timeoutMs,
    });
    if (response.statusCode >= 400) {
      const message = await readErrorMessage(response.body, response.statusCode);
      throw engineErrorFromStatus(response.statusCode, message);
    }
    return response;
  }

  return {
    engine,
    get openStreams() {
      return openStreams;
    },

    async request(method, path, options = {}) {
      const call = { engine, method, path: pathWithQuery(path, options.query), streaming: false };
      let signal: AbortSignal | undefined;
      let release: (() => void) | undefined;
      let end: ((outcome: EngineCallOutcome) => void) | undefined;
      try {
        const entered = enter(call, options.signal);
        signal = entered.signal;
        release = await acquireConnection(entered.scope?.client ?? NO_CLIENT, signal);
        const deadline = AbortSignal.timeout(timeoutMs);
        signal = signal ? AbortSignal.any([signal, deadline]) : deadline;
        end = observe(call);
        const response = await send(callPool, call, options, signal);
        const chunks: Buffer[] = [];
        for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
        end({ statusCode: response.statusCode });
        return {
          statusCode: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks),
        };
      } catch (error) {
        const failure = toWharfError(error, signal);
        end?.({ error: failure });
        throw failure;
      } finally {
        release?.();
      }
    },

    async stream(method, path, options = {}) {
      const call = { engine, method, path: pathWithQuery(path, options.query), streaming: true };
      const { scope, signal } = enter(call, options.signal);
      const releaseSlot = openStreamSlot(scope !== undefined);
      // Only the wait for response headers has a deadline; the body may stay quiet for hours.
      const headersDeadline = AbortSignal.timeout(timeoutMs);
      const controller = new AbortController();
      const abort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', abort, { once: true });
      const onDeadline = () => controller.abort(headersDeadline.reason);
      headersDeadline.addEventListener('abort', onDeadline, { once: true });
      const end = observe(call);
      try {
        const response = await send(streamPool, call, options, controller.signal);
        response.body.once('close', releaseSlot);
        end({ statusCode: response.statusCode });
        return { statusCode: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        signal?.removeEventListener('abort', abort);
        releaseSlot();
        const failure = toWharfError(error, controller.signal);
        end({ error: failure });
        throw failure;
      } finally {
        headersDeadline.removeEventListener('abort', onDeadline);
      }
    },

    async hijack(path, options = {}) {
      const call = {
        engine,
        method: 'POST' as const,
        path: pathWithQuery(path, options.query),
        streaming: true,
      };
      const { scope, signal } = enter(call, options.signal);
      const releaseSlot = openStreamSlot(scope !== undefined);
      const end = observe(call);
      try {
        const hijacked = await hijack(
          endpoint,
          {
            method: 'POST',
            path: call.path,
            body: options.body,
            ...(signal && { signal }),
            timeoutMs,
          },
          ssh && ((dialSignal) => ssh.open(dialSignal)),
        );
        hijacked.socket.once('close', releaseSlot);
        end({ statusCode: hijacked.statusCode });
        return hijacked;
      } catch (error) {
        releaseSlot();
        end({ error });
        throw error;
      }
    },

    observeCalls(observer) {
      observers.add(observer);
      return () => observers.delete(observer);
    },

    async close() {
      await Promise.all([callPool.close(), streamPool.close()]);
      ssh?.close();
    },
  };
}
