import { once } from 'node:events';
import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  ServerResponse,
} from 'node:http';
import { type AuditSink, auditCode, auditRefusal, auditRule, isDenial } from '../audit.ts';
import { authenticate } from '../auth/authenticate.ts';
import { hasRole, type Principal, type Role } from '../auth/principal.ts';
import type { TokenStore } from '../auth/tokens.ts';
import { createContext, type RequestServices } from '../context.ts';
import { runInCallScope } from '../engine/call-scope.ts';
import {
  BadUserInputError,
  ClientGoneError,
  SlowConsumerError,
  type WharfCode,
  WharfError,
} from '../engine/errors.ts';
import type { Logger } from '../log.ts';
import { type Download, openFileDownload, openLogDownload } from '../model/downloads.ts';
import { type BrowserPolicy, CSRF_HEADER } from './browser-policy.ts';
import { refuse } from './refusal.ts';

/** `/download/containers/<ref>/file?path=` and `/download/containers/<ref>/logs`. */
const ROUTE = /^\/download\/containers\/([^/]+)\/(file|logs)$/;

type Kind = 'file' | 'logs';

/** How long a download waits for a client that reads nothing before cutting it. */
export const DOWNLOAD_STALL_MS = 30_000;

/** As the GraphQL fields: files are operator's (contents can hold secrets), logs viewer's. */
const ROLE: Record<Kind, Role> = { file: 'operator', logs: 'viewer' };

const STATUS: Partial<Record<WharfCode, number>> = {
  BAD_USER_INPUT: 400,
  AMBIGUOUS_REF: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_STREAMS: 429,
  ENGINE_ERROR: 502,
  STREAM_DECODE_ERROR: 502,
  ENGINE_UNAVAILABLE: 503,
  ENGINE_BUSY: 503,
};

export interface DownloadAccess extends RequestServices {
  tokens: TokenStore | undefined;
  browser: BrowserPolicy;
  logger: Logger;
  /** DOWNLOAD_STALL_MS unless told otherwise. */
  stallMs: number;
}

/** CORS for the listed origins, as GraphQL's (src/http/cors.ts), with the download's headers readable. */
function corsHeaders(browser: BrowserPolicy, origin: string | undefined): OutgoingHttpHeaders {
  if (origin === undefined || !browser.corsOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    vary: 'Origin',
    'access-control-expose-headers': 'content-disposition, content-length',
    ...(browser.corsCredentials && { 'access-control-allow-credentials': 'true' }),
  };
}

/** `filename` for every client, `filename*` (RFC 6266) for the exact UTF-8 name. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null) return fallback;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new BadUserInputError(`${name} must be true, false, 1 or 0`);
}

function open(
  kind: Kind,
  ctx: ReturnType<typeof createContext>,
  ref: string,
  query: URLSearchParams,
): Promise<Download> {
  const engine = query.get('engine');
  if (kind === 'logs') {
    return openLogDownload(ctx, {
      ref,
      engine,
      stdout: flag(query, 'stdout', true),
      stderr: flag(query, 'stderr', true),
      timestamps: flag(query, 'timestamps', false),
    });
  }
  const path = query.get('path');
  if (path === null) throw new BadUserInputError('the path query parameter is required');
  return openFileDownload(ctx, { ref, engine, path });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  [, rawRef, kind]: [string, string, Kind],
  access: DownloadAccess,
): Promise<void> {
  const cors = corsHeaders(access.browser, req.headers.origin);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...cors,
      ...(cors['access-control-allow-origin'] !== undefined && {
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': `authorization, ${CSRF_HEADER}`,
      }),
      'content-length': '0',
    });
    res.end();
    return;
  }
  if (req.method !== 'GET') {
    res.writeHead(405, { allow: 'GET', ...cors }).end();
    return;
  }
  const auth = authenticate(access.tokens, {
    url: req.url,
    authorization: req.headers.authorization,
  });
  if (!auth.ok) {
    auditRefusal(access.audit, auth.rule, 'http');
    refuse(res, 401, 'UNAUTHENTICATED', auth.message, { 'www-authenticate': 'Bearer', ...cors });
    return;
  }
  // As GraphQL's CSRF prevention: a request a page could send without a CORS preflight (no
  // Authorization header, no custom header) is refused.
  if (req.headers.authorization === undefined && req.headers[CSRF_HEADER] === undefined) {
    refuse(
      res,
      403,
      'FORBIDDEN',
      `send the ${CSRF_HEADER} header (or an Authorization header)`,
      cors,
    );
    return;
  }
  const { principal } = auth;
  const operation = `download.${kind}`;
  const record = (entry: Parameters<AuditSink>[1]) => access.audit(principal, entry);
  const role = ROLE[kind];
  if (!hasRole(principal, role)) {
    record({ operation, decision: 'deny', rule: `role.${role}` });
    refuse(
      res,
      403,
      'FORBIDDEN',
      `${kind} downloads need the ${role} role (rule role.${role})`,
      cors,
    );
    return;
  }
  const asked = { req, res, url, rawRef, kind, access, cors };
  await deliver(asked, principal, (download, error, bytes) => {
    const code = error === undefined ? undefined : auditCode(error);
    if (code !== undefined && isDenial(code)) {
      const rule = auditRule(error);
      record({ operation, decision: 'deny', ...(rule !== undefined && { rule }) });
      return;
    }
    record({
      operation,
      decision: 'allow',
      ...(download && { targets: [download.target] }),
      details: { bytes, ...(code !== undefined && { error: code }) },
    });
  });
}

/** One download request, as `serve` has read it. */
interface Asked {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  rawRef: string;
  kind: Kind;
  access: DownloadAccess;
  cors: OutgoingHttpHeaders;
}

/** Opens the engine stream and sends it; `settled` once, however it ends (the audit line). */
async function deliver(
  { req, res, url, rawRef, kind, access, cors }: Asked,
  principal: Principal,
  settled: (download: Download | undefined, error: unknown, bytes: number) => void,
): Promise<void> {
  // The engine streams it opens end when the client goes away.
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const ctx = createContext(access, principal, gone.signal);
  // A call scope of its own: the download's engine streams count against the caps as a
  // client's, never against the slots kept for the shared upstreams.
  const scope = {
    client: req.socket.remoteAddress ?? 'unknown',
    signal: gone.signal,
    charge: () => gone.signal.throwIfAborted(),
  };
  let download: Download | undefined;
  let bytes = 0;
  try {
    let ref: string;
    try {
      ref = decodeURIComponent(rawRef);
    } catch {
      throw new BadUserInputError('the container ref is not valid percent-encoding');
    }
    download = await runInCallScope(scope, () => open(kind, ctx, ref, url.searchParams));
  } catch (error) {
    settled(undefined, error, 0);
    const wharf = error instanceof WharfError ? error : undefined;
    if (!wharf) access.logger.error('download failed', { error });
    refuse(
      res,
      (wharf && STATUS[wharf.code]) ?? 500,
      wharf?.code ?? 'INTERNAL_SERVER_ERROR',
      wharf?.message ?? 'Unexpected error.',
      cors,
    );
    return;
  }
  const opened = download;
  res.writeHead(200, {
    'content-type': opened.contentType,
    'content-disposition': attachment(opened.filename),
    'cache-control': 'no-store',
    ...(opened.length !== undefined && { 'content-length': String(opened.length) }),
    ...cors,
  });
  const stalled = new AbortController();
  try {
    for await (const chunk of opened.body) {
      bytes += chunk.length;
      // A client that stops reading is cut: the engine holds the container's lock while its
      // archive is read (inspect, stop and the rest wait for it).
      if (!res.write(chunk)) {
        const timer = setTimeout(() => stalled.abort(), access.stallMs);
        try {
          await once(res, 'drain', { signal: AbortSignal.any([gone.signal, stalled.signal]) });
        } finally {
          clearTimeout(timer);
        }
      }
    }
    res.end();
    settled(opened, undefined, bytes);
  } catch (error) {
    // Mid-stream there is no status left to send: the cut connection says it did not finish.
    res.destroy();
    const reason = gone.signal.aborted
      ? new ClientGoneError()
      : stalled.signal.aborted
        ? new SlowConsumerError(`the client read nothing for ${access.stallMs} ms`)
        : error;
    settled(opened, reason, bytes);
  } finally {
    opened.close();
  }
}

/**
 * The download routes in front of `next`: authenticated as GraphQL is (Bearer token in the
 * Authorization header only, never in the URL), the GraphQL fields' roles, CORS for the configured
 * origins. A download is an engine stream, counted against the stream caps, and one audit line.
 */
export function withDownloadRoutes(next: RequestListener, access: DownloadAccess): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://wharf');
    const match = ROUTE.exec(url.pathname);
    if (!match) {
      next(req, res);
      return;
    }
    serve(req, res, url, match as unknown as [string, string, Kind], access).catch((error) => {
      access.logger.error('download failed', { error });
      if (!res.headersSent) refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
      else res.destroy();
    });
  };
}
