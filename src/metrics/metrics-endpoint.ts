import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuditSink, auditRefusal } from '../audit.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { TokenStore } from '../auth/tokens.ts';
import { DEFAULT_BROWSER_POLICY } from '../http/browser-policy.ts';
import { refuse } from '../http/refusal.ts';
import { createRequestGuard, guardHttp } from '../http/request-guard.ts';
import type { Logger } from '../log.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { mayReadMetrics } from './metrics-access.ts';

const METRICS_PATH = '/metrics';

const isMetricsPath = (req: IncomingMessage) =>
  new URL(req.url ?? '/', 'http://wharf').pathname === METRICS_PATH;

function answer(
  metrics: GatewayMetrics,
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  metrics.scrape().then(
    ({ contentType, body }) => {
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      logger.error('metrics could not be collected', { error });
      refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'metrics could not be collected');
    },
  );
}

export interface MetricsAccess {
  tokens: TokenStore | undefined;
  audit: AuditSink;
  logger: Logger;
}

/**
 * /metrics on the GraphQL port, authenticated as GraphQL is (no or a bad token: 401 and an audit
 * line), for admin and tokens with `"metrics": true` (others: 403, rule `metrics.read`). Every
 * other path goes to `next`.
 */
export function withMetricsRoute(
  next: RequestListener,
  metrics: GatewayMetrics,
  { tokens, audit, logger }: MetricsAccess,
): RequestListener {
  return (req, res) => {
    if (!isMetricsPath(req)) {
      next(req, res);
      return;
    }
    const auth = authenticate(tokens, { url: req.url, authorization: req.headers.authorization });
    if (!auth.ok) {
      auditRefusal(audit, auth.rule, 'http');
      refuse(res, 401, 'UNAUTHENTICATED', auth.message, { 'www-authenticate': 'Bearer' });
      return;
    }
    if (!mayReadMetrics(auth.principal)) {
      audit(auth.principal, { operation: 'metrics', decision: 'deny', rule: 'metrics.read' });
      refuse(
        res,
        403,
        'FORBIDDEN',
        'reading /metrics needs an admin token or one with "metrics": true (rule metrics.read)',
      );
      return;
    }
    answer(metrics, logger, req, res);
  };
}

/**
 * WHARF_METRICS_LISTEN: a listener of its own that serves only /metrics, without a token. The
 * configuration allows it on loopback only; its Host check admits loopback names only.
 */
export function startMetricsListener(
  metrics: GatewayMetrics,
  logger: Logger,
  host: string,
  port: number,
): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const guard = createRequestGuard(DEFAULT_BROWSER_POLICY, () => host);
  const server = createServer(
    guardHttp(guard, (req, res) => {
      if (isMetricsPath(req)) answer(metrics, logger, req, res);
      else refuse(res, 404, 'NOT_FOUND', 'only /metrics is served here');
    }),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        address: server.address() as AddressInfo,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
