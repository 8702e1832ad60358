import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * What a client writer relies on: exit codes that mean what the schema says, typed event fields,
 * removal payloads with the removed object's global id.
 */
const scope = testScope('contract');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

const exitCodeOf = async (name: string) =>
  (
    await gateway.data<{ container: { state: string; exitCode: number | null } }>(
      `{ container(ref: "${name}") { state exitCode } }`,
    )
  ).container;

type LogEnd = { __typename: string; reason?: string; exitCode?: number | null };

async function historyEnd(name: string): Promise<LogEnd | undefined> {
  let end: LogEnd | undefined;
  for await (const result of gateway.subscribe<{ containerLogs: LogEnd }>(
    `subscription { containerLogs(ref: "${name}", follow: false) { __typename ... on LogEnd { reason exitCode } } }`,
  )) {
    expect(result.errors).toBeUndefined();
    if (result.data?.containerLogs.__typename === 'LogEnd') end = result.data.containerLogs;
  }
  return end;
}

describe('exit codes', () => {
  it('is null while a container runs and before it ever ran, the code once it exited', async () => {
    const created = scope.name('created');
    await docker('create', ...scope.labelArgs, '--name', created, FIXTURE_IMAGE, 'true');
    expect(await exitCodeOf(created)).toEqual({ state: 'CREATED', exitCode: null });

    const running = await scope.shell('running', 'sleep 300');
    expect(await exitCodeOf(running)).toEqual({ state: 'RUNNING', exitCode: null });
    expect(await historyEnd(running)).toEqual({
      __typename: 'LogEnd',
      reason: 'HISTORY_END',
      exitCode: null,
    });

    const exited = await scope.shell('exited', 'echo bye; exit 3');
    await docker('wait', exited);
    expect(await exitCodeOf(exited)).toEqual({ state: 'EXITED', exitCode: 3 });
    // follow: false on an exited container says how it ended, as EXITED does.
    expect(await historyEnd(exited)).toEqual({
      __typename: 'LogEnd',
      reason: 'HISTORY_END',
      exitCode: 3,
    });
  });
});

describe('engine events', () => {
  it("carry a die event's exit code and a destroyed container's name as typed fields", async () => {
    const name = scope.name('events');
    interface Event {
      action: string;
      actorName: string | null;
      exitCode: number | null;
      container: { name: string } | null;
    }
    const events = gateway.subscribe<{ events: Event }>(
      `subscription ($label: String!) {
        events(filter: { label: [$label], type: [CONTAINER] }) {
          ... on EngineEvent { action actorName exitCode container { name } }
        }
      }`,
      { label: scope.label },
    );
    const seen: Event[] = [];
    const reading = (async () => {
      for await (const result of events) {
        const event = result.data?.events;
        if (event?.actorName !== name) continue;
        seen.push(event);
        if (event.action === 'destroy') return;
      }
    })();
    await eventually('the event stream to open', async () =>
      gateway.engine.events.subscribers > 0 ? true : undefined,
    );
    await gateway.engine.events.whenConnected();
    await docker(
      'run',
      '--label',
      scope.label,
      '--name',
      name,
      FIXTURE_IMAGE,
      'sh',
      '-c',
      'exit 7',
    ).catch(() => '');
    await docker('rm', name);
    await reading;
    const die = seen.find((event) => event.action === 'die');
    expect(die).toMatchObject({ actorName: name, exitCode: 7 });
    const destroy = seen.find((event) => event.action === 'destroy');
    expect(destroy).toEqual({
      action: 'destroy',
      actorName: name,
      exitCode: null,
      container: null,
    });
    expect(seen.find((event) => event.action === 'create')?.exitCode).toBeNull();
  });
});

describe('removal payloads', () => {
  it('carry the removed object’s global id, as the object had it', async () => {
    const container = await scope.shell('removed', 'sleep 300');
    const network = scope.name('net');
    const volume = scope.name('vol');
    await docker('network', 'create', '--label', scope.label, network);
    await docker('volume', 'create', '--label', scope.label, volume);
    const before = await gateway.data<{
      container: { id: string };
      network: { id: string };
      volume: { id: string };
    }>(
      `{ container(ref: "${container}") { id } network(ref: "${network}") { id } volume(name: "${volume}") { id } }`,
    );
    const removed = await gateway.data<{
      containerRemove: { id: string; removed: boolean };
      networkRemove: { id: string };
      volumeRemove: { id: string; removed: boolean };
    }>(`mutation {
      containerRemove(ref: "${container}", force: true) { id removed }
      networkRemove(ref: "${network}") { id }
      volumeRemove(name: "${volume}") { id removed }
    }`);
    expect(removed).toEqual({
      containerRemove: { id: before.container.id, removed: true },
      networkRemove: { id: before.network.id },
      volumeRemove: { id: before.volume.id, removed: true },
    });
  });
});

describe('connections', () => {
  it('count the whole list, and call a malformed cursor bad input about the cursor', async () => {
    await scope.shell('counted-a', 'sleep 300');
    await scope.shell('counted-b', 'sleep 300');
    const labelled = (await docker('ps', '-aq', '--filter', `label=${scope.label}`)).split('\n');
    const page = await gateway.data<{
      containers: { totalCount: number; edges: unknown[]; pageInfo: { hasNextPage: boolean } };
    }>(
      `{ containers(all: true, filter: { label: ["${scope.label}"] }, first: 1) { totalCount edges { cursor } pageInfo { hasNextPage } } }`,
    );
    expect(page.containers).toMatchObject({
      totalCount: labelled.length,
      pageInfo: { hasNextPage: true },
    });
    expect(page.containers.edges).toHaveLength(1);
    for (const cursor of ['!!!not base64', 'bm90IGEgY3Vyc29y']) {
      const bad = await gateway.query(`{ containers(after: "${cursor}") { totalCount } }`);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toContain('is not a cursor of this list');
    }
  });
});
