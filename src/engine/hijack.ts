import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { StreamDecodeError } from './decode/multiplexed.ts';
import type { EngineEndpoint } from './docker-host.ts';
import {
  BadUserInputError,
  EngineError,
  EngineUnavailableError,
  engineErrorFromStatus,
  isUnavailableCause,
} from './errors.ts';

/**
 * The engine's hijacked connection, as `docker exec -it` and `docker attach` use it: one HTTP
 * request with `Upgrade: tcp`, then the same socket carries stdin one way and output the other.
 * Written on a bare socket because undici's upgrade() cannot send the request body that
 * `POST /exec/{id}/start` needs.
 */

export interface HijackRequest {
  method: 'POST';
  /** Versioned path with query, e.g. `/v1.41/exec/{id}/start`. */
  path: string;
  /** Serialized as JSON. */
  body?: unknown;
  /** Aborting destroys the socket, before or after the answer. */
  signal?: AbortSignal;
  /** Deadline for connecting and for the response head; the stream after it has none. */
  timeoutMs: number;
}

export interface Hijacked {
  statusCode: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  contentType: string | undefined;
  /**
   * The raw bidirectional stream after the response head; bytes the engine sent with the head come
   * first. Errors after the answer end it with 'close' (read them with `for await`/pipeline).
   */
  socket: Duplex;
  close(): void;
}

/** A response head is a few hundred bytes; more than this is not an engine talking. */
const MAX_HEAD = 64 * 1024;
/** Engine error bodies are small JSON; cap what is read so a hostile peer cannot make us buffer. */
const MAX_ERROR_BODY = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;
const PATH = /^\/[^\s]*$/;

interface ResponseHead {
  statusCode: number;
  headers: Record<string, string>;
}

function parseHead(text: string): ResponseHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = STATUS_LINE.exec(statusLine)?.[1];
  if (!status) {
    throw new StreamDecodeError(
      `the engine answered with an invalid status line: ${statusLine.slice(0, 80)}`,
    );
  }
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new StreamDecodeError('the engine sent an invalid response header');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const seen = headers[name];
    headers[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return { statusCode: Number(status), headers };
}

/** A chunked body's payload once its last chunk arrived, or undefined while it is incomplete. */
function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size < 0) return Buffer.concat(parts);
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (bytes.length < start + size) return undefined;
    parts.push(bytes.subarray(start, start + size));
    offset = start + size + 2;
  }
}

function errorMessage(body: Buffer, statusCode: number): string {
  const text = body.subarray(0, MAX_ERROR_BODY).toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: some proxies and old engines answer plain text.
  }
  return text || `engine answered HTTP ${statusCode}`;
}

/** Opens the connection a hijack runs on: the endpoint's own socket, or an ssh channel. */
export type Dial = (signal: AbortSignal | undefined) => Promise<Duplex>;

function dialSocket(endpoint: Exclude<EngineEndpoint, { kind: 'ssh' }>): Socket {
  if (endpoint.kind === 'unix') return netConnect({ path: endpoint.socketPath });
  const url = new URL(endpoint.origin);
  const secure = url.protocol === 'https:';
  // URL drops a port that is the scheme's default.
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  if (!secure) {
    const socket = netConnect({ host: url.hostname, port });
    socket.setNoDelay(true);
    return socket;
  }
  const tls = endpoint.tls;
  // SNI carries host names only; an IP address there is refused by Node (and RFC 6066).
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const socket = tlsConnect({
    host: hostname,
    port,
    ...(isIP(hostname) === 0 && { servername: hostname }),
    ...(tls?.ca && { ca: tls.ca }),
    ...(tls?.cert && { cert: tls.cert }),
    ...(tls?.key && { key: tls.key }),
    rejectUnauthorized: tls?.verify ?? true,
  });
  socket.setNoDelay(true);
  return socket;
}

function hostHeader(endpoint: EngineEndpoint): string {
  return endpoint.kind === 'tcp' ? new URL(endpoint.origin).host : 'docker';
}

function requestHead(endpoint: EngineEndpoint, request: HijackRequest, body: Buffer | undefined) {
  const lines = [
    `${request.method} ${request.path} HTTP/1.1`,
    `Host: ${hostHeader(endpoint)}`,
    ...(body ? ['Content-Type: application/json'] : []),
    `Content-Length: ${body?.length ?? 0}`,
    'Connection: Upgrade',
    'Upgrade: tcp',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** `dial` is required for ssh endpoints (their channels come from the engine's SshDialer). */
export async function hijack(
  endpoint: EngineEndpoint,
  request: HijackRequest,
  dial?: Dial,
): Promise<Hijacked> {
  const { signal, timeoutMs } = request;
  signal?.throwIfAborted();
  if (!PATH.test(request.path)) {
    throw new BadUserInputError(`"${request.path.slice(0, 80)}" is not a request path`);
  }
  const body =
    request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');

  let socket: Duplex;
  if (dial) socket = await dial(signal);
  else if (endpoint.kind === 'ssh') throw new Error('hijack over ssh needs the engine dialer');
  else socket = dialSocket(endpoint);
  // Kept for the socket's whole life: an error after the answer must not crash the process; the
  // consumer sees it through its iterator or pipeline, or as 'close' with hadError.
  socket.on('error', () => {});
  const onAbort = () => {
    socket.destroy(signal?.reason instanceof Error ? signal.reason : undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  socket.once('close', () => signal?.removeEventListener('abort', onAbort));

  return new Promise<Hijacked>((resolve, reject) => {
    let received: Buffer = Buffer.alloc(0);
    let head: ResponseHead | undefined;
    let settled = false;

    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(error);
    };

    const timer = setTimeout(() => {
      if (head)
        finish(engineErrorFromStatus(head.statusCode, errorMessage(received, head.statusCode)));
      else finish(new EngineUnavailableError(`the engine did not answer within ${timeoutMs} ms`));
    }, timeoutMs);

    const onSignal = () => finish(signal?.reason);
    signal?.addEventListener('abort', onSignal, { once: true });

    const onError = (error: Error) => {
      finish(
        new EngineUnavailableError(
          isUnavailableCause(error)
            ? 'the engine is not reachable'
            : 'the connection to the engine failed',
          { cause: error },
        ),
      );
    };

    const errorBodyRead = (ended: boolean) => {
      if (!head) return;
      const length = head.headers['content-length'];
      const chunked = /\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '');
      let bodyBytes: Buffer | undefined;
      if (length !== undefined && /^\d+$/.test(length)) {
        const want = Math.min(Number(length), MAX_ERROR_BODY);
        if (received.length >= want) bodyBytes = received.subarray(0, want);
      } else if (chunked) {
        bodyBytes = dechunk(received);
      }
      if (!bodyBytes && (ended || received.length >= MAX_ERROR_BODY)) bodyBytes = received;
      if (bodyBytes) {
        finish(engineErrorFromStatus(head.statusCode, errorMessage(bodyBytes, head.statusCode)));
      }
    };

    const onEnd = () => {
      if (head) errorBodyRead(true);
      else finish(new EngineUnavailableError('the engine closed the connection before answering'));
    };

    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read()) {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        if (head) {
          errorBodyRead(false);
          if (settled) return;
          continue;
        }
        const end = received.indexOf(HEAD_END);
        if (end === -1 ? received.length > MAX_HEAD : end > MAX_HEAD) {
          finish(new StreamDecodeError(`the response head exceeds ${MAX_HEAD} bytes`));
          return;
        }
        if (end === -1) continue;
        try {
          head = parseHead(received.subarray(0, end).toString('latin1'));
        } catch (error) {
          finish(error);
          return;
        }
        received = received.subarray(end + HEAD_END.length);
        const { statusCode, headers } = head;
        if (statusCode === 101 || statusCode === 200) {
          settled = true;
          cleanup();
          // Back into the stream, so the consumer reads the engine's first bytes first.
          if (received.length > 0) socket.unshift(received);
          resolve({
            statusCode,
            headers,
            contentType: headers['content-type'],
            socket,
            close: () => socket.destroy(),
          });
          return;
        }
        if (statusCode < 400) {
          finish(
            new EngineError(
              'ENGINE_ERROR',
              statusCode,
              `the engine answered HTTP ${statusCode} instead of upgrading the connection`,
            ),
          );
          return;
        }
        errorBodyRead(false);
        if (settled) return;
      }
    };

    function cleanup() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onSignal);
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('error', onError);
    }

    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', onError);
    const requestBytes = Buffer.from(requestHead(endpoint, request, body), 'latin1');
    socket.write(body ? Buffer.concat([requestBytes, body]) : requestBytes);
  });
}
