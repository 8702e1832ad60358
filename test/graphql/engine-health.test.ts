import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * `Engine.health`: readiness from one `/_ping`, and the event stream as Wharf holds it. An engine
 * that is not there (`gone`, a socket nobody listens on) answers its health like any other.
 */
const scope = testScope('engine-health');
let gateway: TestGateway;

interface Health {
  name: string;
  health: {
    ready: boolean;
    error: string | null;
    events: { state: string; gaps: number; reconnects: number; lastEventAt: string | null };
  };
}

const HEALTH = `{ engines { name health { ready error events { state gaps reconnects lastEventAt } } } }`;

beforeAll(async () => {
  gateway = await startGateway({
    engines: [
      { name: 'host', dockerHost: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
      { name: 'gone', dockerHost: `unix:///tmp/wharf-engine-health-${process.pid}.sock` },
    ],
    timeoutMs: 5_000,
  });
});

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

async function health(): Promise<Record<string, Health['health']>> {
  const result = await gateway.query<{ engines: Health[] }>(HEALTH);
  expect(result.errors).toBeUndefined();
  return Object.fromEntries((result.data?.engines ?? []).map((e) => [e.name, e.health]));
}

describe('Engine.health', () => {
  it('answers for an engine that is down, with no error, while its version fails', async () => {
    const engines = await health();
    expect(engines.host).toMatchObject({ ready: true, error: null });
    expect(engines.gone?.ready).toBe(false);
    expect(engines.gone?.error).toMatch(/\S/);
    // Nobody listens yet: no stream is open, and nothing was asked of the engines for it.
    expect(engines.host?.events).toEqual({
      state: 'IDLE',
      gaps: 0,
      reconnects: 0,
      lastEventAt: null,
    });
    const version = await gateway.query<{ engines: { version: string | null }[] }>(
      '{ engines { version } }',
    );
    expect(version.errors?.map((e) => e.extensions?.code)).toEqual(['ENGINE_UNAVAILABLE']);
  });

  it("shows each engine's event stream while someone listens, and its newest event", async () => {
    const events = gateway.subscribe<{ events: { __typename: string; engine?: string } }>(
      `subscription { events(filter: { label: ["${scope.label}"] }) { __typename ... on EngineEvent { engine } } }`,
    );
    const first = events.next();
    await expect
      .poll(async () => (await health()).host?.events.state, { timeout: 5_000 })
      .toBe('CONNECTED');
    // The missing engine's stream is wanted but cannot open.
    expect((await health()).gone?.events.state).toBe('DISCONNECTED');
    const before = Date.now();
    await docker('create', ...scope.labelArgs, '--name', scope.name('c'), FIXTURE_IMAGE, 'true');
    expect((await first).value?.data?.events).toEqual({
      __typename: 'EngineEvent',
      engine: 'host',
    });
    const lastEventAt = (await health()).host?.events.lastEventAt;
    expect(Date.parse(lastEventAt ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    await events.return?.();
    await expect
      .poll(async () => (await health()).host?.events.state, { timeout: 5_000 })
      .toBe('IDLE');
  });
});
