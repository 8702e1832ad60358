import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Scrape, scrape } from '../helpers/prometheus.ts';

const scope = testScope('metrics');
const token = (name: string) => `${name}-${scope.run}-token`;
const tokens = new TokenStore(
  parseTokens(
    JSON.stringify([
      { name: 'admin', role: 'admin', token: token('admin') },
      { name: 'viewer', role: 'viewer', token: token('viewer') },
      { name: 'scraper', role: 'viewer', token: token('scraper'), metrics: true },
    ]),
  ),
);

const LIST = 'query ListContainers { containers(first: 1) { edges { node { id } } } }';
const STOP = 'mutation StopMissing($ref: String!) { containerStop(ref: $ref) { __typename } }';
const INSPECT = 'query Inspect($ref: String!) { container(ref: $ref) { id } }';
const WATCH = `subscription Watch($filter: EventFilter) {
  events(filter: $filter) { __typename ... on EngineEvent { action } }
}`;

let gateway: TestGateway;
let metricsPath: string;

beforeAll(async () => {
  gateway = await startGateway({ tokens, metricsListen: true });
  metricsPath = `${gateway.url}/metrics`;
});

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

async function adminScrape(): Promise<Scrape> {
  const { status, scrape: parsed } = await scrape(metricsPath, token('admin'));
  expect(status).toBe(200);
  return parsed as Scrape;
}

const OPERATIONS = 'wharf_graphql_operation_duration_seconds_count';
const CALLS = 'wharf_engine_call_duration_seconds_count';

describe('/metrics', () => {
  it('counts operations, engine calls, streams, subscriptions and refusals', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await gateway.query(LIST, {}, token('admin'))).errors).toBeUndefined();
    }
    const ref = `wharf-missing-${scope.run}`;
    const missing = await gateway.query(STOP, { ref }, token('admin'));
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const denied = await gateway.query(STOP, { ref }, token('viewer'));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const events = gateway.subscribe<{ events: { action?: string } }>(
      WATCH,
      { filter: { label: [scope.label] } },
      gateway.wsClient(token('admin')),
    );
    const first = events.next();
    await eventually('the event stream to open', async () =>
      gateway.engine.events.subscribers > 0 ? true : undefined,
    );
    await docker('create', ...scope.labelArgs, '--name', scope.name('ev'), FIXTURE_IMAGE, 'true');
    expect((await within(first, 10_000, 'the container event')).value?.data?.events.action).toBe(
      'create',
    );

    const during = await adminScrape();
    expect(
      during.samples.filter(
        (sample) => sample.name.startsWith('wharf_') && Number.isNaN(sample.value),
      ),
    ).toEqual([]);
    expect(
      during.value(OPERATIONS, {
        operation: 'ListContainers',
        type: 'query',
        transport: 'http',
        code: 'ok',
      }),
    ).toBe(3);
    expect(
      during.value(OPERATIONS, { operation: 'StopMissing', type: 'mutation', code: 'NOT_FOUND' }),
    ).toBe(1);
    expect(
      during.value(OPERATIONS, { operation: 'StopMissing', type: 'mutation', code: 'FORBIDDEN' }),
    ).toBe(1);
    expect(
      during.value(CALLS, {
        engine: 'local',
        method: 'GET',
        route: '/containers/json',
        result: '2xx',
      }),
    ).toBeGreaterThanOrEqual(3);
    // The missing container: the engine said 404 for its id or name, which is not a label value.
    const notFound = during
      .series(CALLS)
      .filter((labels) => labels.engine === 'local' && labels.result === '4xx');
    expect(notFound.length).toBeGreaterThan(0);
    expect(notFound.every((labels) => labels.route?.startsWith('/containers/{id}'))).toBe(true);
    expect(
      during.value(CALLS, { engine: 'local', method: 'GET', route: '/events', result: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      during.value('wharf_subscriptions_active', { field: 'events', kind: 'subscription' }),
    ).toBe(1);
    expect(during.value('wharf_websocket_connections')).toBe(1);
    expect(during.value('wharf_engine_streams_open', { engine: 'local' })).toBeGreaterThanOrEqual(
      1,
    );
    const lag = during.value('wharf_event_hub_lag_seconds', { engine: 'local' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
    expect(during.value('wharf_event_hub_reconnects_total', { engine: 'local' })).toBe(0);
    expect(
      during.value('wharf_event_hub_gaps_total', { engine: 'local', reason: 'ENGINE_UNAVAILABLE' }),
    ).toBe(0);
    expect(during.value('wharf_refusals_total', { rule: 'role.operator' })).toBe(1);
    expect(during.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(during.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    await events.return?.();
    const after = await eventually('the subscription to end', async () => {
      const parsed = await adminScrape();
      const ended = parsed.value(OPERATIONS, {
        operation: 'Watch',
        type: 'subscription',
        transport: 'ws',
        code: 'ok',
      });
      return ended === 1 ? parsed : undefined;
    });
    expect(
      after.value('wharf_subscriptions_active', { field: 'events', kind: 'subscription' }),
    ).toBe(0);
  });

  it('answers 401 without a token and 403 to a viewer, as GraphQL does, with audit lines', async () => {
    const none = await fetch(metricsPath);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      ((await none.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
        .code,
    ).toBe('UNAUTHENTICATED');
    expect((await scrape(metricsPath, 'not-a-token-of-anyone')).status).toBe(401);
    const viewer = await scrape(metricsPath, token('viewer'));
    expect(viewer.status).toBe(403);
    expect(gateway.audits).toContainEqual(
      expect.objectContaining({
        principal: 'viewer',
        operation: 'metrics',
        decision: 'deny',
        rule: 'metrics.read',
      }),
    );
    expect(gateway.audits).toContainEqual(
      expect.objectContaining({ principal: 'anonymous', decision: 'deny', rule: 'auth.missing' }),
    );
    const scraper = await scrape(metricsPath, token('scraper'));
    expect(scraper.status).toBe(200);
    expect(scraper.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const refusals = scraper.scrape as Scrape;
    expect(refusals.value('wharf_refusals_total', { rule: 'metrics.read' })).toBe(1);
    expect(refusals.value('wharf_refusals_total', { rule: 'auth.missing' })).toBe(1);
    expect(refusals.value('wharf_refusals_total', { rule: 'auth.invalid' })).toBe(1);
    // The scraper's token reads metrics, not mutations.
    const write = await gateway.query(STOP, { ref: 'x' }, token('scraper'));
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps every label value fixed whatever refs the operations name', async () => {
    const refs: string[] = [];
    const round = async () => {
      for (let i = 0; i < 3; i += 1) {
        const ref = `${scope.name('nothing')}-${Math.random().toString(36).slice(2)}`;
        refs.push(ref);
        expect(
          (await gateway.query(STOP, { ref }, token('admin'))).errors?.[0]?.extensions?.code,
        ).toBe('NOT_FOUND');
        expect((await gateway.query(INSPECT, { ref }, token('admin'))).data).toEqual({
          container: null,
        });
        await gateway.query(`query { container(ref: "${ref}") { id } }`, {}, token('admin'));
      }
      const parsed = await adminScrape();
      return parsed.samples.filter((sample) =>
        /^wharf_(graphql|engine_call|refusals)/.test(sample.name),
      );
    };
    const labelSets = (samples: Awaited<ReturnType<typeof round>>) =>
      new Set(samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`));
    const first = await round();
    const second = await round();
    expect(labelSets(second)).toEqual(labelSets(first));
    const values = second.flatMap((sample) => Object.values(sample.labels));
    for (const ref of refs) {
      expect(values.some((value) => value.includes(ref))).toBe(false);
    }
  });
});

describe('WHARF_METRICS_LISTEN', () => {
  it('serves /metrics without a token, and nothing else', async () => {
    const url = gateway.metricsUrl as string;
    const open = await scrape(url);
    expect(open.status).toBe(200);
    expect(open.scrape?.value('wharf_websocket_connections')).toBeGreaterThanOrEqual(0);
    expect((await fetch(url.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
    // A DNS-rebinding page's Host is refused, as on the GraphQL port.
    const rebinding = await new Promise<number | undefined>((resolve, reject) => {
      request(url, { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(rebinding).toBe(421);
  });

  it('refuses a non-loopback address at start with exit code 2', async () => {
    const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
    const failure = await promisify(execFile)(process.execPath, [cli, 'serve'], {
      env: { ...process.env, WHARF_METRICS_LISTEN: '0.0.0.0:9464' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('only a loopback address');
  });
});

describe('a gateway with the state cache', () => {
  it('reports its cache and keeps a registry of its own', async () => {
    await docker('create', ...scope.labelArgs, '--name', scope.name('held'), FIXTURE_IMAGE, 'true');
    const cached = await startGateway({ cache: true });
    try {
      await cached.data(LIST);
      const { status, scrape: parsed } = await scrape(`${cached.url}/metrics`);
      expect(status).toBe(200);
      const own = parsed as Scrape;
      expect(
        own.value('wharf_cache_objects', { engine: 'local', kind: 'container' }),
      ).toBeGreaterThanOrEqual(1);
      expect(own.value('wharf_cache_resyncs_total', { engine: 'local' })).toBeGreaterThanOrEqual(1);
      // Its operations only: the other gateway's three ListContainers are not here.
      expect(own.value(OPERATIONS, { operation: 'ListContainers', code: 'ok' })).toBe(1);
    } finally {
      await cached.stop();
    }
  });
});
