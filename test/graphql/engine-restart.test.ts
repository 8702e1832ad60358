import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IMAGE } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';

/**
 * Faults that must lose nothing, on a private dockerd (own data root, socket and network namespace)
 * so the host engine is never touched: SIGKILL it mid-stream, start it again.
 */
let engine: PrivateEngine;
let gateway: TestGateway;

beforeAll(async () => {
  engine = await startPrivateEngine('restart');
  gateway = await startGateway({ dockerHost: engine.dockerHost, timeoutMs: 5_000 });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await engine?.stop();
}, 120_000);

interface Item {
  __typename: 'EngineEvent' | 'EventGap';
  type?: string;
  action?: string;
  actorId?: string;
  cursor?: string;
  reason?: string;
}

const EVENTS = `subscription {
  events(filter: { type: [CONTAINER] }) {
    __typename
    ... on EngineEvent { type action actorId cursor }
    ... on EventGap { reason from to }
  }
}`;

describe('dockerd killed and restarted', () => {
  it('keeps event subscribers connected: every event once, one gap for the outage', async () => {
    const items: Item[] = [];
    const stream = gateway.subscribe<{ events: Item }>(EVENTS);
    let waiter: (() => void) | undefined;
    const reading = (async () => {
      for await (const result of stream as AsyncIterableIterator<Result<{ events: Item }>>) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        if (result.data) items.push(result.data.events);
        waiter?.();
      }
    })();
    const until = async (what: string, check: () => boolean) => {
      await within(
        (async () => {
          while (!check())
            await new Promise<void>((resolve) => {
              waiter = resolve;
              setTimeout(resolve, 200);
            });
        })(),
        60_000,
        what,
      );
    };
    await until('the hub to connect', () => gateway.engine.events.subscribers > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const before = await engine.docker('create', '--name', 'before-kill', FIXTURE_IMAGE, 'true');
    await until('the create before the kill', () => items.some((i) => i.actorId === before));

    await engine.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await engine.restart();

    const after = await engine.docker('create', '--name', 'after-restart', FIXTURE_IMAGE, 'true');
    await until('the create after the restart', () => items.some((i) => i.actorId === after));
    await engine.docker('rm', before, after);
    await until('both destroys', () => items.filter((i) => i.action === 'destroy').length >= 2);

    await stream.return?.();
    await reading.catch(() => undefined);

    const gaps = items.filter((i) => i.__typename === 'EventGap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.reason).toBe('ENGINE_UNAVAILABLE');
    const gapAt = items.indexOf(gaps[0] as Item);
    const createdBefore = items.findIndex((i) => i.actorId === before && i.action === 'create');
    const createdAfter = items.findIndex((i) => i.actorId === after && i.action === 'create');
    expect(createdBefore).toBeLessThan(gapAt);
    expect(createdAfter).toBeGreaterThan(gapAt);
    // Exactly once: no event delivered twice across the reconnect.
    const cursors = items.flatMap((i) => (i.cursor ? [i.cursor] : []));
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(items.filter((i) => i.actorId === before && i.action === 'create')).toHaveLength(1);
    expect(items.filter((i) => i.actorId === after && i.action === 'create')).toHaveLength(1);
  }, 180_000);

  it('ends a followed log stream with ENGINE_GONE when the engine dies, and recovers after', async () => {
    await engine.docker(
      'run',
      '-d',
      '--name',
      'talker',
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'echo hi; sleep 300',
    );
    const events: { __typename: string; reason?: string; lines?: { text: string }[] }[] = [];
    const stream = gateway.subscribe<{ containerLogs: { __typename: string; reason?: string } }>(
      `subscription { containerLogs(ref: "talker") { __typename ... on LogLines { lines { text } } ... on LogEnd { reason } } }`,
    );
    const reading = (async () => {
      for await (const result of stream) {
        if (result.data) events.push(result.data.containerLogs);
        if (result.data?.containerLogs.__typename === 'LogEnd') return;
      }
    })();
    await within(
      (async () => {
        while (events.length === 0) await new Promise((r) => setTimeout(r, 50));
      })(),
      10_000,
      'the first line',
    );
    await engine.kill();
    await within(reading, 20_000, 'LogEnd');
    expect(events.at(-1)).toMatchObject({ __typename: 'LogEnd', reason: 'ENGINE_GONE' });
    expect(gateway.engine.openStreams).toBe(0);
    await engine.restart();
    const answer = await gateway.query('{ engine { version } }');
    expect(answer.errors).toBeUndefined();
  }, 180_000);
});
