import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src/engine/client.ts';
import { pullProgress, type TransferProgress, TransferTracker } from '../../src/model/pulls.ts';
import { rejection } from '../helpers/errors.ts';
import { collect, fakeClient } from '../helpers/fake-client.ts';
import { type FakeEngine, sendJson, startFakeEngine } from '../helpers/fake-engine.ts';

/** The progress stream the fake sends for the next pull, one JSON value per line. */
let lines: unknown[] = [];
let fake: FakeEngine;
let client: EngineClient;

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    if (req.url?.startsWith('/v1.41/images/create?fromImage=missing')) {
      return sendJson(res, 404, { message: 'manifest for missing:latest not found' });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // One line per write, cut mid-line once, as the engine's flushes may fall.
    const body = lines.map((line) => `${JSON.stringify(line)}\r\n`).join('');
    res.write(body.slice(0, 7));
    res.end(body.slice(7));
  });
  client = fakeClient(fake);
});

afterAll(async () => {
  await client?.close();
  await fake?.close();
});

const pull = (ref: string, platform?: string) =>
  collect(pullProgress(client.api, ref, { platform, signal: new AbortController().signal }));

const percents = (reports: TransferProgress[]) => reports.map((report) => report.percent);

describe('TransferTracker', () => {
  it('sums layers whose sizes are known; a completed layer counts whole', () => {
    const tracker = new TransferTracker();
    const reports = [
      { status: 'Pulling from library/app', id: 'latest' },
      { status: 'Pulling fs layer', id: 'a', progressDetail: {} },
      { status: 'Downloading', id: 'a', progressDetail: { current: 25, total: 100 } },
      { status: 'Downloading', id: 'b', progressDetail: { current: 0, total: 300 } },
      { status: 'Downloading', id: 'b', progressDetail: { current: 150 } },
      { status: 'Download complete', id: 'a' },
      { status: 'Already exists', id: 'c' },
    ].map((message) => tracker.report(message));
    expect(percents(reports)).toEqual([null, null, 25, 6.25, 43.75, 62.5, 62.5]);
    expect(reports[2]).toEqual({
      kind: 'progress',
      status: 'Downloading',
      layerId: 'a',
      current: 25,
      total: 100,
      percent: 25,
    });
    expect(reports[4]).toMatchObject({ layerId: 'b', current: 150, total: null });
    expect(reports[0]).toMatchObject({ layerId: 'latest', current: null, total: null });
  });

  it('ignores a total of 0 (the engine sends it before it knows)', () => {
    const tracker = new TransferTracker();
    expect(
      tracker.report({ status: 'Extracting', id: 'a', progressDetail: { current: 5, total: 0 } }),
    ).toMatchObject({ total: null, percent: null });
  });
});

describe('pullProgress', () => {
  it('yields per-layer progress with the overall percent, asking for the tag and platform', async () => {
    lines = [
      { status: 'Pulling from team/app', id: 'v1' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 50, total: 200 } },
      { status: 'Pull complete', id: 'a' },
      { status: 'Status: Downloaded newer image for team/app:v1' },
    ];
    const reports = await pull('team/app:v1', 'linux/arm64');
    expect(reports.map((r) => [r.status, r.layerId, r.percent])).toEqual([
      ['Pulling from team/app', 'v1', null],
      ['Downloading', 'a', 25],
      ['Pull complete', 'a', 100],
      ['Status: Downloaded newer image for team/app:v1', null, 100],
    ]);
    expect(fake.requests.at(-1)?.url).toBe(
      '/v1.41/images/create?fromImage=team%2Fapp&tag=v1&platform=linux%2Farm64',
    );
  });

  it('ends with PULL_FAILED on an error inside the 200 stream, after the progress before it', async () => {
    lines = [
      { status: 'Pulling from team/app', id: 'v1' },
      { status: 'Downloading', id: 'a', progressDetail: { current: 10, total: 100 } },
      { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' },
      { status: 'never read' },
    ];
    const seen: TransferProgress[] = [];
    const failure = await rejection(
      (async () => {
        for await (const report of pullProgress(client.api, 'team/app:v1', {
          signal: new AbortController().signal,
        }))
          seen.push(report);
      })(),
    );
    expect(failure).toMatchObject({ code: 'PULL_FAILED', message: 'unexpected EOF' });
    expect(percents(seen)).toEqual([null, 10]);
  });

  it('reports a refusal before the stream starts as PULL_FAILED too', async () => {
    expect(await rejection(pull('missing'))).toMatchObject({
      code: 'PULL_FAILED',
      message: 'manifest for missing:latest not found',
    });
  });
});
