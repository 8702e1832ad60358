import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../../src/auth/principal.ts';
import type { EngineClient } from '../../src/engine/client.ts';
import type { ContainerStats } from '../../src/engine/stats.ts';
import { followStats } from '../../src/model/stats.ts';
import { rejection } from '../helpers/errors.ts';
import { collect, fakeClient } from '../helpers/fake-client.ts';
import { type FakeEngine, sendJson, startFakeEngine, within } from '../helpers/fake-engine.ts';

const ID = 'abc'.padEnd(64, '0');

function sample(second: number, cpu: number) {
  return {
    read: `2026-01-01T00:00:0${second}Z`,
    cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: 1000 * second, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
    memory_stats: { usage: 300, limit: 1000, stats: { inactive_file: 100 } },
    pids_stats: { current: 4 },
  };
}

/** The open stats response: the test sends samples through it. */
let stats: ServerResponse | undefined;
let fake: FakeEngine;
let client: EngineClient;

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    const url = new URL(req.url ?? '', 'http://docker');
    if (url.pathname === '/v1.41/containers/web/json') return sendJson(res, 200, { Id: ID });
    if (url.pathname === `/v1.41/containers/${ID}/stats`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      stats = res;
      return;
    }
    sendJson(res, 404, { message: 'No such container: gone' });
  });
  client = fakeClient(fake);
});

/** The stats response the engine side holds open, once the client has asked. */
function statsStream(): Promise<ServerResponse> {
  return within(
    (async () => {
      for (;;) {
        if (stats) return stats;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })(),
    5_000,
    'the stats stream',
  );
}

afterAll(async () => {
  await client?.close();
  await fake?.close();
});

describe('followStats', () => {
  it('yields computed samples from the shared stream until the container stops', async () => {
    const samples = collect(
      followStats(LOCAL_PRINCIPAL, client, 'web', new AbortController().signal),
    );
    const upstream = await statsStream();
    expect(client.stats.size).toBe(1);
    upstream.write(`${JSON.stringify(sample(1, 100))}\n`);
    upstream.end(`${JSON.stringify(sample(2, 500))}\n`);
    const seen: ContainerStats[] = await within(samples, 5_000, 'the samples');
    expect(seen.map((s) => [s.read, s.cpuPercent, s.memoryUsage, s.memoryPercent, s.pids])).toEqual(
      [
        ['2026-01-01T00:00:01Z', 20, 200, 20, 4],
        ['2026-01-01T00:00:02Z', 50, 200, 20, 4],
      ],
    );
    expect(client.stats.size).toBe(0);
  });

  it('names the ref it could not find', async () => {
    expect(
      await rejection(
        collect(followStats(LOCAL_PRINCIPAL, client, 'gone', new AbortController().signal)),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no container matches "gone"',
    });
  });

  it('leaves the shared stream when its signal aborts, closing it upstream as the last one', async () => {
    stats = undefined;
    const stop = new AbortController();
    const stream = followStats(LOCAL_PRINCIPAL, client, 'web', stop.signal);
    const first = stream.next();
    const upstream = await statsStream();
    upstream.write(`${JSON.stringify(sample(1, 100))}\n`);
    expect((await first).value).toMatchObject({ cpuPercent: 20 });
    stop.abort();
    expect(await within(stream.next(), 5_000, 'the end')).toEqual({ done: true, value: undefined });
    const request = fake.requests.at(-1);
    await within(request?.closed ?? Promise.reject(new Error('no stream')), 5_000, 'the close');
    expect(request?.aborted).toBe(true);
    expect(client.stats.size).toBe(0);
  });
});
