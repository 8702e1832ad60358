import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.ts';
import { startCli } from '../helpers/processes.ts';

/** OTLP/JSON as the exporter sends it: only the fields the assertions read. */
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number };
  events?: unknown[];
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

/** An OTLP/HTTP receiver on loopback: keeps every POST /v1/traces body, raw and parsed. */
async function startReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      bodies.push(
        (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    spans: () =>
      bodies.flatMap((body) =>
        (JSON.parse(body) as OtlpExport).resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) =>
            scope.spans.map((span) => ({ ...span, resource: resource.resource })),
          ),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attribute(
  span: { attributes: { key: string; value: OtlpValue }[] },
  key: string,
): string | number | undefined {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  if (value?.intValue !== undefined) return Number(value.intValue);
  return value?.stringValue;
}

/** A caller's W3C trace context: its trace id, its span's id and the `traceparent` naming both. */
function callerTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function post(url: string, query: string, variables: object, traceparent: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      traceparent,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
}

/** Where @opentelemetry/api keeps what an SDK registered (a context manager, a tracer provider). */
const otelGlobals = () =>
  (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    Symbol.for('opentelemetry.js.api.1')
  ];

const LIST = `query Listed($name: [String!]) {
  containers(first: 1, filter: { name: $name }) { edges { node { id } } }
}`;
const STOP = 'mutation StopMissing($ref: String!) { containerStop(ref: $ref) { __typename } }';
const FOLLOW =
  'subscription FollowMissing($ref: String!) { containerLogs(ref: $ref) { __typename } }';

/** A subscription over SSE, read to its end (a missing container's ends at once). */
async function subscribe(url: string, query: string, variables: object, traceparent: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', traceparent },
    body: JSON.stringify({ query, variables }),
  });
  return response.text();
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('starts no SDK and exports nothing', async () => {
    const gateway = await startGateway();
    try {
      const result = await post(gateway.url, LIST, { name: ['none'] }, callerTrace().traceparent);
      expect(result.errors).toBeUndefined();
      expect(otelGlobals()?.context).toBeUndefined();
      expect(otelGlobals()?.trace).toBeUndefined();
    } finally {
      await gateway.stop();
    }
    expect(receiver.bodies).toEqual([]);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const listed = callerTrace();
  const failed = callerTrace();
  const followed = callerTrace();
  // Variable values: none may reach a span (the failed one's error message echoes its ref).
  const secretName = `wharf-secret-${randomBytes(6).toString('hex')}`;
  const secretRef = `wharf-secret-${randomBytes(6).toString('hex')}`;
  let spans: ReturnType<typeof receiver.spans>;
  let contextManagerWhileRunning: unknown;

  beforeAll(async () => {
    const gateway = await startGateway({ otlpEndpoint: receiver.endpoint });
    try {
      contextManagerWhileRunning = otelGlobals()?.context;
      expect(
        (await post(gateway.url, LIST, { name: [secretName] }, listed.traceparent)).errors,
      ).toBeUndefined();
      const stop = await post(gateway.url, STOP, { ref: secretRef }, failed.traceparent);
      expect(stop.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
      const stream = await subscribe(gateway.url, FOLLOW, { ref: secretRef }, followed.traceparent);
      expect(stream).toContain('NOT_FOUND');
    } finally {
      // Flushes the batch: every span is at the receiver when this returns.
      await gateway.stop();
    }
    spans = receiver.spans();
  });

  const operation = (traceId: string) =>
    spans.find((span) => span.traceId === traceId && span.kind === SPAN_KIND_SERVER);
  const engineCalls = (traceId: string, parent: string | undefined) =>
    spans.filter(
      (span) =>
        span.traceId === traceId && span.kind === SPAN_KIND_CLIENT && span.parentSpanId === parent,
    );

  it("puts the operation's span in the caller's trace, under the caller's span", () => {
    const span = operation(listed.traceId);
    expect(span, JSON.stringify(spans)).toBeDefined();
    expect(span?.parentSpanId).toBe(listed.spanId);
    expect(span?.name).toBe('query.Listed');
    expect(attribute(span ?? { attributes: [] }, 'graphql.execute.operationName')).toBe('Listed');
    expect(attribute(span ?? { attributes: [] }, 'graphql.execute.operationType')).toBe('query');
    expect(attribute(span ?? { attributes: [] }, 'wharf.result.code')).toBe('ok');
    expect(span?.status?.code ?? 0).not.toBe(STATUS_ERROR);
    expect(attribute(span?.resource ?? { attributes: [] }, 'service.name')).toBe('wharf');
  });

  it('gives each engine call a child span with its route template and status', () => {
    const calls = engineCalls(listed.traceId, operation(listed.traceId)?.spanId);
    const list = calls.find((span) => attribute(span, 'url.template') === '/containers/json');
    expect(list, JSON.stringify(calls)).toBeDefined();
    expect(list?.name).toBe('GET /containers/json');
    expect(attribute(list ?? { attributes: [] }, 'http.request.method')).toBe('GET');
    expect(attribute(list ?? { attributes: [] }, 'http.response.status_code')).toBe(200);
    expect(attribute(list ?? { attributes: [] }, 'wharf.engine')).toBe('local');
  });

  it("marks a failed operation's span with its error code, and the failed engine call", () => {
    const span = operation(failed.traceId);
    expect(span?.parentSpanId).toBe(failed.spanId);
    expect(span?.name).toBe('mutation.StopMissing');
    expect(attribute(span ?? { attributes: [] }, 'wharf.result.code')).toBe('NOT_FOUND');
    expect(span?.status?.code).toBe(STATUS_ERROR);
    const calls = engineCalls(failed.traceId, span?.spanId);
    const missing = calls.find((span) => attribute(span, 'http.response.status_code') === 404);
    expect(missing, JSON.stringify(calls)).toBeDefined();
    expect(String(attribute(missing ?? { attributes: [] }, 'url.template'))).toMatch(
      /^\/containers\/\{id\}/,
    );
    expect(missing?.status?.code).toBe(STATUS_ERROR);
  });

  it("gives a subscription its span in the caller's trace, with its result code and engine calls", () => {
    const span = operation(followed.traceId);
    expect(span, JSON.stringify(spans)).toBeDefined();
    expect(span?.parentSpanId).toBe(followed.spanId);
    expect(span?.name).toBe('subscription.FollowMissing');
    expect(attribute(span ?? { attributes: [] }, 'graphql.execute.operationType')).toBe(
      'subscription',
    );
    expect(attribute(span ?? { attributes: [] }, 'wharf.result.code')).toBe('NOT_FOUND');
    const calls = engineCalls(followed.traceId, span?.spanId);
    expect(
      calls.some((call) => attribute(call, 'http.response.status_code') === 404),
      JSON.stringify(calls),
    ).toBe(true);
  });

  it('exports no variable value, no document and no error message', () => {
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toContain(secretName);
    expect(exported).not.toContain(secretRef);
    expect(exported).not.toContain('containerStop');
    for (const span of spans) {
      expect(span.events ?? []).toEqual([]);
      expect(span.attributes.map((entry) => entry.key)).not.toContain('graphql.execute.document');
    }
  });

  it('stops the SDK with the gateway', () => {
    expect(contextManagerWhileRunning).toBeDefined();
    expect(otelGlobals()?.context).toBeUndefined();
  });
});

describe('wharf serve', () => {
  it('traces under OTEL_SERVICE_NAME and flushes the spans when it stops on SIGTERM', async () => {
    const caller = callerTrace();
    const cli = startCli({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'wharf-cli-test',
    });
    try {
      const url = (await cli.url).replace(/\/graphql$/, '');
      expect(
        (await post(url, LIST, { name: ['none'] }, caller.traceparent)).errors,
      ).toBeUndefined();
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
    const span = receiver
      .spans()
      .find((entry) => entry.traceId === caller.traceId && entry.kind === SPAN_KIND_SERVER);
    expect(span?.parentSpanId).toBe(caller.spanId);
    expect(attribute(span?.resource ?? { attributes: [] }, 'service.name')).toBe('wharf-cli-test');
  });
});
