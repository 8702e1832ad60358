import { readdirSync } from 'node:fs';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * Thousands of subscribe/unsubscribe cycles over one graphql-ws connection must leave nothing
 * behind: no engine stream, no hub subscriber, no file descriptor.
 */

/**
 * Measured on two cores: 2000 log cycles (each an inspect plus a new engine stream) take 13-23 s
 * with the machine to themselves and about 50 s while other suites load the engine; events and
 * stats take a few seconds each. The full counts keep the file within its ~90 s budget, so 2000
 * it is.
 */
const LOG_CYCLES = 2_000;
const EVENT_CYCLES = 500;
const STATS_CYCLES = 300;

const scope = testScope('leaks');
let gateway: TestGateway;
let client: Client;
let container = '';

const openFds = () => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` on every turn of the event loop; fails after `ms`. */
async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeAll(async () => {
  gateway = await startGateway();
  client = gateway.wsClient();
  container = scope.name('quiet');
  // Quiet (one line, then nothing), and alive for longer than the test.
  await docker(
    'run',
    '-d',
    ...scope.labelArgs,
    '--name',
    container,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    'echo ready; sleep 600',
  );
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

/** Counts taken before the first cycle, once everything that stays open is open. */
let streamsAtStart = 0;
let fdsAtStart = 0;

/** After each kind of cycle: no engine stream, hub subscriber or exec session left. */
async function expectNothingLeft() {
  // Let the last abort reach its socket.
  await until(
    'the last stream to close',
    () => gateway.engine.openStreams === streamsAtStart,
    1_000,
  );
  expect(gateway.engine.openStreams).toBe(streamsAtStart);
  expect(gateway.engine.events.subscribers).toBe(0);
  expect(gateway.engine.stats.size).toBe(0);
  expect(gateway.engine.execs.size).toBe(0);
}

describe('subscribe/unsubscribe cycles over one graphql-ws connection', () => {
  beforeAll(async () => {
    // Warm up: the version negotiation, the WebSocket and the pools' first connections exist
    // before the baseline is taken.
    const warm = gateway.subscribe<{ containerLogs: { __typename: string } }>(
      `subscription ($ref: String!) { containerLogs(ref: $ref) { __typename } }`,
      { ref: container },
      client,
    );
    await within(warm.next(), 10_000, 'the warm-up log line');
    await warm.return?.();
    await until('the warm-up stream to close', () => gateway.engine.openStreams === 0);
    await sleep(300);
    streamsAtStart = gateway.engine.openStreams;
    fdsAtStart = openFds();
  });

  it(`containerLogs(follow: true): ${LOG_CYCLES} cycles, each to its first LogLines`, async () => {
    const started = Date.now();
    for (let i = 0; i < LOG_CYCLES; i++) {
      const results = gateway.subscribe<{
        containerLogs: { __typename: string; lines?: { text: string }[] };
      }>(
        `subscription ($ref: String!) {
          containerLogs(ref: $ref, follow: true) { __typename ... on LogLines { lines { text } } }
        }`,
        { ref: container },
        client,
      );
      const first = await within(results.next(), 10_000, `log cycle ${i}: the first LogLines`);
      const event = (first.value as Result<{ containerLogs: { __typename: string } }>).data;
      if (event?.containerLogs.__typename !== 'LogLines') {
        throw new Error(`log cycle ${i}: got ${JSON.stringify(first.value)}`);
      }
      await results.return?.();
    }
    console.info(`leaks: ${LOG_CYCLES} log cycles in ${(Date.now() - started) / 1000} s`);
    await expectNothingLeft();
  }, 180_000);

  it(`events: ${EVENT_CYCLES} cycles, each until the hub's upstream is open`, async () => {
    const started = Date.now();
    for (let i = 0; i < EVENT_CYCLES; i++) {
      const results = gateway.subscribe(
        'subscription { events(filter: { type: [CONTAINER] }) { __typename } }',
        undefined,
        client,
      );
      // Nothing happens on the engine, so no event comes; wait until the hub's upstream is open.
      const pending = results.next();
      await until(
        `event cycle ${i}: the hub to connect`,
        () =>
          gateway.engine.events.subscribers === 1 && gateway.engine.openStreams > streamsAtStart,
      );
      await results.return?.();
      await pending;
      // The hub closes its upstream with its last subscriber; the next cycle opens a new one.
      await until(
        `event cycle ${i}: the hub to close`,
        () =>
          gateway.engine.events.subscribers === 0 && gateway.engine.openStreams === streamsAtStart,
      );
    }
    console.info(`leaks: ${EVENT_CYCLES} event cycles in ${(Date.now() - started) / 1000} s`);
    await expectNothingLeft();
  });

  it(`containerStats: ${STATS_CYCLES} cycles, each until the stats stream is open`, async () => {
    const started = Date.now();
    for (let i = 0; i < STATS_CYCLES; i++) {
      const results = gateway.subscribe(
        'subscription ($ref: String!) { containerStats(ref: $ref) { pids } }',
        { ref: container },
        client,
      );
      const pending = results.next();
      // The first sample can take a second; the upstream being open is what matters here.
      await until(
        `stats cycle ${i}: the stats stream to open`,
        () => gateway.engine.stats.size === 1 && gateway.engine.openStreams > streamsAtStart,
      );
      await results.return?.();
      await pending;
      await until(
        `stats cycle ${i}: the stats stream to close`,
        () => gateway.engine.stats.size === 0 && gateway.engine.openStreams === streamsAtStart,
      );
    }
    console.info(`leaks: ${STATS_CYCLES} stats cycles in ${(Date.now() - started) / 1000} s`);
    await expectNothingLeft();
  });

  it('holds no more file descriptors than before the cycles (+10), and the connection still works', async () => {
    await sleep(500);
    const fds = openFds();
    console.info(`leaks: open fds ${fdsAtStart} before, ${fds} after`);
    expect(fds).toBeLessThanOrEqual(fdsAtStart + 10);
    await expectNothingLeft();

    const last = gateway.subscribe<{ containerLogs: { __typename: string } }>(
      `subscription ($ref: String!) { containerLogs(ref: $ref) { __typename } }`,
      { ref: container },
      client,
    );
    expect((await within(last.next(), 10_000, 'a last log line')).value?.data).toEqual({
      containerLogs: { __typename: 'LogLines' },
    });
    await last.return?.();
  });
});
