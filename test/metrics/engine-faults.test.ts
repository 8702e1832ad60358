import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';
import { type Scrape, scrape } from '../helpers/prometheus.ts';

/** The event hub's reconnects and gaps as a scrape shows them, on a private dockerd killed once. */
let engine: PrivateEngine;
let gateway: TestGateway;

beforeAll(async () => {
  engine = await startPrivateEngine('metrics');
  gateway = await startGateway({ dockerHost: engine.dockerHost, timeoutMs: 5_000 });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await engine?.stop();
}, 120_000);

const EVENTS = `subscription {
  events(filter: { type: [VOLUME] }) { __typename ... on EngineEvent { actorId } ... on EventGap { reason } }
}`;

describe('event hub metrics', () => {
  it('count the reconnect and the gap of an engine restart, and the failed calls', async () => {
    const seen: { __typename: string; actorId?: string; reason?: string }[] = [];
    const stream = gateway.subscribe<{ events: (typeof seen)[number] }>(EVENTS);
    const reading = (async () => {
      for await (const result of stream) if (result.data) seen.push(result.data.events);
    })();
    const saw = (what: string, check: () => boolean) =>
      eventually(what, async () => (check() ? true : undefined), 60_000);
    await saw('the hub to connect', () => gateway.engine.events.subscribers > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await engine.docker('volume', 'create', 'before-kill');
    await saw('the volume before the kill', () => seen.some((i) => i.actorId === 'before-kill'));

    await engine.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await engine.restart();
    await engine.docker('volume', 'create', 'after-restart');
    await saw('the volume after the restart', () =>
      seen.some((i) => i.actorId === 'after-restart'),
    );

    const { status, scrape: parsed } = await scrape(`${gateway.url}/metrics`);
    expect(status).toBe(200);
    const metrics = parsed as Scrape;
    const gaps = seen.filter((item) => item.__typename === 'EventGap');
    expect(gaps).toHaveLength(1);
    expect(
      metrics.value('wharf_event_hub_gaps_total', {
        engine: 'local',
        reason: 'ENGINE_UNAVAILABLE',
      }),
    ).toBe(1);
    expect(
      metrics.value('wharf_event_hub_gaps_total', { engine: 'local', reason: 'REPLAY_INCOMPLETE' }),
    ).toBe(0);
    expect(metrics.value('wharf_event_hub_reconnects_total', { engine: 'local' })).toBe(1);
    // The stream the kill cut was an /events call answered 200; the tries while it was down failed.
    expect(
      metrics.value('wharf_engine_call_duration_seconds_count', {
        engine: 'local',
        route: '/events',
        result: 'ENGINE_UNAVAILABLE',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics.value('wharf_event_hub_lag_seconds', { engine: 'local' })).toBeLessThan(60);

    await stream.return?.();
    await reading.catch(() => undefined);
  }, 180_000);
});
