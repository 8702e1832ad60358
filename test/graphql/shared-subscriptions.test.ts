import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('shared-subs');
let gateway: TestGateway;

const EVENTS = `subscription($label: String!) {
  events(filter: { label: [$label] }) { ... on EngineEvent { action container { name state } } }
}`;
const AFTER = `subscription($label: String!, $after: String) {
  events(filter: { label: [$label] }, after: $after) { ... on EngineEvent { action } }
}`;

type Received = { action?: string; name?: string }[];

function follow(document: string, variables: Record<string, unknown>, into: Received) {
  const results = gateway.subscribe<{ events: { action: string; container?: { name: string } } }>(
    document,
    variables,
  );
  void (async () => {
    for await (const result of results) {
      into.push({ action: result.data?.events.action, name: result.data?.events.container?.name });
    }
  })();
  return results;
}

beforeAll(async () => {
  gateway = await startGateway({ cache: false });
});
afterAll(async () => {
  await gateway.stop();
  await scope.cleanup();
});

describe('subscribers with the same document, variables and principal', () => {
  it('share one source and one execution per event; each gets every event; the last one out ends it', async () => {
    const name = await scope.shell('a', 'sleep 300');
    const received: Received[] = Array.from({ length: 20 }, () => []);
    const client = gateway.wsClient();
    const subscriptions = received.map((into) => {
      const results = client.iterate({ query: EVENTS, variables: { label: scope.label } });
      void (async () => {
        for await (const result of results) {
          const events = (
            result.data as { events: { action: string; container?: { name: string } } }
          ).events;
          into.push({ action: events.action, name: events.container?.name });
        }
      })();
      return results;
    });
    await eventually('the shared upstream', async () =>
      gateway.engine.events.subscribers === 1 ? true : undefined,
    );

    const { calls } = await gateway.countCalls(async () => {
      await docker('pause', name);
      await eventually('every subscriber gets the pause', async () =>
        received.every((into) => into.some((item) => item.action === 'pause')) ? true : undefined,
      );
    });
    // The container relation, resolved once for all twenty (not twenty inspects and lists).
    const inspects = calls.filter((call) => /\/containers\/[0-9a-f]{64}\/json/.test(call.path));
    expect(inspects.length).toBeLessThanOrEqual(1);
    for (const into of received)
      expect(into.find((item) => item.action === 'pause')?.name).toBe(name);

    // One leaves: the others go on.
    await subscriptions[0]?.return?.();
    await docker('unpause', name);
    await eventually('the others get the unpause', async () =>
      received.slice(1).every((into) => into.some((item) => item.action === 'unpause'))
        ? true
        : undefined,
    );
    expect(gateway.engine.events.subscribers).toBe(1);

    for (const subscription of subscriptions.slice(1)) await subscription.return?.();
    await eventually('the upstream released', async () =>
      gateway.engine.events.subscribers === 0 ? true : undefined,
    );
  });

  it('does not share a replay (`after`): each such subscriber has its own', async () => {
    const name = await scope.shell('b', 'sleep 300');
    const first = gateway.subscribe<{ events: { cursor: string } }>(
      `subscription($label: String!) { events(filter: { label: [$label] }) { ... on EngineEvent { cursor } } }`,
      { label: scope.label },
    );
    const next = first.next();
    await eventually('subscribed', async () =>
      gateway.engine.events.subscribers === 1 ? true : undefined,
    );
    await docker('pause', name);
    const cursor = (await next).value?.data?.events.cursor;
    expect(cursor).toBeTruthy();
    await first.return?.();

    const a = follow(AFTER, { label: scope.label, after: cursor }, []);
    const b = follow(AFTER, { label: scope.label, after: cursor }, []);
    await eventually('one upstream subscriber each', async () =>
      gateway.engine.events.subscribers === 2 ? true : undefined,
    );
    await Promise.all([a.return?.(), b.return?.()]);
    await eventually('released', async () =>
      gateway.engine.events.subscribers === 0 ? true : undefined,
    );
    await docker('unpause', name);
  });
});
