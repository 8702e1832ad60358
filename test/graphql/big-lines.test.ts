import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * A 10 MiB line: the engine cuts it into 16 KiB messages, Wharf joins them back into one line, over
 * the live stream and the history alike, with bounded memory that does not creep from run to run.
 */

const SIZE = 10 * 1024 * 1024;
const MiB = 1024 * 1024;
const REPETITIONS = 3;

// RSS is only comparable between runs after a full collection; the flag can be set at runtime.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const scope = testScope('big-lines');
let gateway: TestGateway;

beforeAll(async () => {
  // The history read answers one 10 MiB line: above the production log and response caps.
  gateway = await startGateway({ limits: { maxLogBytes: 2 * SIZE, maxResponseBytes: 2 * SIZE } });
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

type LogEvent =
  | { __typename: 'LogLines'; lines: { stream: string; text: string }[] }
  | { __typename: 'LogEnd'; reason: string; exitCode: number | null };

/** What a log reading reduces to: no 10 MiB string is kept past the check. */
interface Summary {
  lines: { stream: string; length: number; allA: boolean; text?: string }[];
  end?: LogEvent;
}

function summarize(line: { stream: string; text: string }): Summary['lines'][number] {
  return line.text.length > 100
    ? { stream: line.stream, length: line.text.length, allA: /^a+$/.test(line.text) }
    : { stream: line.stream, length: line.text.length, allA: false, text: line.text };
}

const expectedLines = [
  { stream: 'STDOUT', length: SIZE, allA: true },
  { stream: 'STDOUT', length: 4, allA: false, text: 'done' },
];

async function follow(name: string): Promise<Summary> {
  const summary: Summary = { lines: [] };
  for await (const result of gateway.subscribe<{ containerLogs: LogEvent }>(
    `subscription ($ref: String!) {
      containerLogs(ref: $ref, follow: true) {
        __typename
        ... on LogLines { lines { stream text } }
        ... on LogEnd { reason exitCode }
      }
    }`,
    { ref: name },
  )) {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const event = result.data?.containerLogs;
    if (event?.__typename === 'LogLines') summary.lines.push(...event.lines.map(summarize));
    if (event?.__typename === 'LogEnd') {
      summary.end = event;
      return summary;
    }
  }
  throw new Error('the subscription completed without LogEnd');
}

async function history(name: string): Promise<Summary> {
  // The engine counts `tail` in its 16 KiB pieces: the 10 MiB line is 640 of them.
  const data = await gateway.data<{
    container: { logs: { stream: string; text: string }[] };
  }>(`query ($ref: String!) { container(ref: $ref) { logs(tail: 1000) { stream text } } }`, {
    ref: name,
  });
  return { lines: data.container.logs.map(summarize) };
}

/** Memory after full collections: RSS for the bound, the JS heap for leaks (far less noisy). */
async function settled(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}

/** Samples RSS and the event loop's longest stall (the gateway runs in this process). */
function monitor() {
  let peakRss = process.memoryUsage().rss;
  let maxLag = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 20);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return { peakRss, maxLag: Math.round(maxLag) };
    },
  };
}

describe('a 10 MiB log line', () => {
  it(`arrives whole, live and from history, ${REPETITIONS} times over, with bounded memory`, async () => {
    const baseline = (await settled()).rss;
    const after: { rss: number; heap: number }[] = [];
    for (let run = 1; run <= REPETITIONS; run++) {
      const name = await scope.shell(
        'big',
        `head -c ${SIZE} /dev/zero | tr '\\0' a; echo; echo done`,
      );

      let started = Date.now();
      let watch = monitor();
      const live = await within(follow(name), 90_000, `run ${run}: the followed log`);
      const followed = { ms: Date.now() - started, ...watch.stop() };
      expect(live.lines).toEqual(expectedLines);
      expect(live.end).toEqual({ __typename: 'LogEnd', reason: 'EXITED', exitCode: 0 });

      await eventually('the container to exit', async () =>
        (await docker('inspect', '-f', '{{.State.Status}}', name)) === 'exited' ? true : undefined,
      );
      started = Date.now();
      watch = monitor();
      const past = await within(history(name), 90_000, `run ${run}: the log history`);
      const read = { ms: Date.now() - started, ...watch.stop() };
      expect(past.lines).toEqual(expectedLines);

      after.push(await settled());
      const mib = (bytes: number) => `+${Math.round((bytes - baseline) / MiB)} MiB`;
      console.info(
        `big-lines run ${run}: follow ${followed.ms} ms (event loop stalled up to ${followed.maxLag} ms, rss peak ${mib(followed.peakRss)}), ` +
          `history ${read.ms} ms (stalled up to ${read.maxLag} ms, rss peak ${mib(read.peakRss)}), settled rss ${mib(after.at(-1)?.rss ?? 0)}, heap ${Math.round((after.at(-1)?.heap ?? 0) / MiB)} MiB`,
      );
      expect((after.at(-1)?.rss ?? 0) - baseline, `run ${run}: rss growth`).toBeLessThan(300 * MiB);
    }
    // Not leaking: a line kept per run would leave 10 MiB more heap each time.
    expect((after[2]?.heap ?? 0) - (after[0]?.heap ?? 0)).toBeLessThan(8 * MiB);
  }, 300_000);
});
