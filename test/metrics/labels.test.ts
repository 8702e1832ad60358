import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/principal.ts';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import {
  EngineNotFoundError,
  EngineUnavailableError,
  QueryTimeoutError,
} from '../../src/engine/errors.ts';
import { boundedLabel, OTHER } from '../../src/metrics/bounded-labels.ts';
import { callResult } from '../../src/metrics/engine-metrics.ts';
import { engineRoute } from '../../src/metrics/engine-routes.ts';
import { mayReadMetrics } from '../../src/metrics/metrics-access.ts';
import { operationMetrics } from '../../src/metrics/operation-metrics.ts';
import { parseScrape } from '../helpers/prometheus.ts';

const random = () => randomBytes(8).toString('hex');

describe('engine route templates', () => {
  it('keep the route and drop ids, names, versions and queries', () => {
    const id = random();
    expect(engineRoute(`/v1.41/containers/${id}/json`)).toBe('/containers/{id}/json');
    expect(engineRoute('/v1.41/containers/json?all=1&limit=5')).toBe('/containers/json');
    expect(engineRoute(`/v1.41/containers/${id}?force=1`)).toBe('/containers/{id}');
    expect(engineRoute(`/v1.41/containers/${id}/logs?follow=1`)).toBe('/containers/{id}/logs');
    expect(engineRoute(`/v1.41/exec/${id}/start`)).toBe('/exec/{id}/start');
    expect(engineRoute('/v1.41/images/registry:5000/team/app:1.2/json')).toBe(
      '/images/{name}/json',
    );
    expect(engineRoute('/v1.41/images/team/app:latest')).toBe('/images/{name}');
    expect(engineRoute('/v1.41/images/create?fromImage=busybox')).toBe('/images/create');
    expect(engineRoute(`/v1.41/networks/${id}/connect`)).toBe('/networks/{id}/connect');
    expect(engineRoute(`/v1.41/volumes/${id}`)).toBe('/volumes/{name}');
    expect(engineRoute('/v1.41/events?since=1')).toBe('/events');
    expect(engineRoute('/_ping')).toBe('/_ping');
    expect(engineRoute('/v1.41/system/df')).toBe('/system/df');
    expect(engineRoute('/v1.41/swarm/init')).toBe('/swarm/init');
  });

  it('answer `other` for paths outside the table, never the path', () => {
    for (const path of [
      `/v1.41/${random()}`,
      `/v1.41/swarm/${random()}`,
      '/',
      `/v1.41/plugins/x`,
    ]) {
      expect(engineRoute(path), path).toBe(OTHER);
    }
  });
});

describe('bounded labels', () => {
  it('keep `max` distinct values of the right shape; the rest are `other`', () => {
    const label = boundedLabel(3, /^[a-z]+$/);
    expect(['a', 'b', 'a', 'c'].map(label)).toEqual(['a', 'b', 'a', 'c']);
    expect(label('d')).toBe(OTHER);
    expect(label('b')).toBe('b');
    expect(boundedLabel(3, /^[a-z]+$/)('Not Shaped')).toBe(OTHER);
  });

  it('keep operation names and refusal rules bounded whatever clients send', async () => {
    const registry = new Registry();
    const metrics = operationMetrics(registry);
    const sink = metrics.countingRefusals(() => {});
    for (let i = 0; i < 500; i += 1) {
      metrics.ended({
        operation: `Op_${random()}`,
        type: 'query',
        transport: 'http',
        code: i % 2 ? 'ok' : `X${random()}`.toUpperCase(),
        durationMs: 1,
        codes: { COST_LIMIT: 2 },
      });
      sink(ANONYMOUS, { operation: 'x', decision: 'deny', rule: `made.${random()}` });
    }
    const scrape = await parseScrape(await registry.metrics());
    const series = scrape.series('wharf_graphql_operation_duration_seconds_count');
    const names = new Set(series.map((labels) => labels.operation));
    const codes = new Set(series.map((labels) => labels.code));
    expect(names.size).toBe(201);
    expect(names.has(OTHER)).toBe(true);
    expect(codes.size).toBeLessThanOrEqual(65);
    const rules = new Set(scrape.series('wharf_refusals_total').map((labels) => labels.rule));
    expect(rules.size).toBe(66); // 64 kept, `other`, and the limit's rule
    expect(scrape.value('wharf_refusals_total', { rule: 'limit.cost' })).toBe(500);
  });
});

describe('engine call results', () => {
  it('are a status class or the code of what ended the call', () => {
    expect(callResult({ statusCode: 200 })).toBe('2xx');
    expect(callResult({ statusCode: 304 })).toBe('3xx');
    expect(callResult({ error: new EngineNotFoundError('No such container: x') })).toBe('4xx');
    expect(callResult({ error: new EngineUnavailableError('down') })).toBe('ENGINE_UNAVAILABLE');
    expect(callResult({ error: new QueryTimeoutError('late') })).toBe('QUERY_TIMEOUT');
    expect(callResult({ error: new Error(random()) })).toBe('error');
  });
});

describe('metrics access', () => {
  const token = (name: string) => `${name}-${'x'.repeat(16)}`;
  const store = new TokenStore(
    parseTokens(
      JSON.stringify([
        { name: 'admin', role: 'admin', token: token('admin') },
        { name: 'viewer', role: 'viewer', token: token('viewer') },
        { name: 'scraper', role: 'viewer', token: token('scraper'), metrics: true },
      ]),
    ),
  );

  it('is for admin and tokens with "metrics": true', () => {
    const may = (name: string) => {
      const principal = store.authenticate(token(name));
      if (!principal) throw new Error(`no principal for ${name}`);
      return mayReadMetrics(principal);
    };
    expect([may('admin'), may('viewer'), may('scraper')]).toEqual([true, false, true]);
  });

  it('takes only a boolean `metrics` in the tokens file', () => {
    expect(() =>
      parseTokens(
        JSON.stringify([{ name: 'a', role: 'viewer', token: token('a'), metrics: 'yes' }]),
      ),
    ).toThrow(/metrics must be true or false/);
  });
});

describe('WHARF_METRICS_LISTEN', () => {
  it('is a loopback address or nothing', () => {
    expect(loadConfig({}).metrics.listen).toBeUndefined();
    expect(loadConfig({ WHARF_METRICS_LISTEN: '127.0.0.1:9464' }).metrics.listen).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(loadConfig({ WHARF_METRICS_LISTEN: '[::1]:9464' }).metrics.listen?.host).toBe('::1');
    for (const address of ['0.0.0.0:9464', '[::]:9464', '192.0.2.1:9464']) {
      expect(() => loadConfig({ WHARF_METRICS_LISTEN: address }), address).toThrow(
        /only a loopback address/,
      );
    }
  });
});
