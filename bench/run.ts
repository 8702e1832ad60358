/**
 * `npm run bench`: Wharf (state cache on and off) beside the raw Engine API, dockerode and docker-py,
 * in one run, interleaved, against the local engine. Prints a table of medians with their ratio to
 * each baseline, writes bench/results/latest.json (a smoke pass: smoke.json), and removes
 * everything it created.
 *
 *   --containers N   fixture containers (default 100)
 *   --growth a,b,c   container counts for the growth scenario (default 10,100,1000)
 *   --log-mb N       the log history's size in MB (default 200; the live follows write a quarter)
 *   --cache-sizes a,b  created-not-started containers for the cache memory scenario (default
 *                    1000,10000)
 *   --live-containers N  created-not-started containers the @live list shows (default 1000)
 *   --scenarios 1,5  only these scenarios (default all: 1-2 screens, 3 growth, 4 concurrency,
 *                    5 events, 6 logs, 7 memory, 8 @live, 9 cache memory)
 *   --profile DIR    run the Wharf processes with --cpu-prof into DIR
 *   --ui             only the dashboard in headless Chromium (scenario 10, bench/dashboard.ts):
 *                    1,000 containers, 50 of them restarted while typing; writes results/ui.json
 *   --smoke          tiny sizes and few rounds: proves the bench runs (CI), measures nothing
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { cacheMemory } from './cache-memory.ts';
import { dashboardBench } from './dashboard.ts';
import { createFixtures, docker, rawEngine } from './fixtures.ts';
import { logThroughput } from './logs.ts';
import {
  type Contender,
  concurrent,
  interleaved,
  median,
  printTable,
  type Row,
} from './measure.ts';
import {
  dockerode,
  dockerPy,
  INSPECT_SCREEN,
  LIST_SCREEN,
  rawList,
  rawListInspect,
  wharfScreen,
} from './screens.ts';
import { eventFanout, idleSubscriptions, liveRestarts } from './streams.ts';
import { startRawFanout, startWharf, type Wharf } from './wharf.ts';

const ALL_SCENARIOS = '1,2,3,4,5,6,7,8,9';
const { values: args } = parseArgs({
  options: {
    containers: { type: 'string', default: '100' },
    growth: { type: 'string', default: '10,100,1000' },
    'log-mb': { type: 'string', default: '200' },
    'cache-sizes': { type: 'string', default: '1000,10000' },
    'live-containers': { type: 'string', default: '1000' },
    smoke: { type: 'boolean', default: false },
    scenarios: { type: 'string', default: ALL_SCENARIOS },
    profile: { type: 'string' },
    ui: { type: 'boolean', default: false },
  },
});
const only = new Set(args.scenarios.split(','));
const smoke = args.smoke;
const count = smoke ? 5 : Number(args.containers);
const growth = smoke ? [3, 6] : args.growth.split(',').map(Number);
const cacheSizes = smoke ? [5] : args['cache-sizes'].split(',').map(Number);
const rounds = smoke ? 3 : 30;
const rows: Row[] = [];
const notes: string[] = [];

function compare(
  scenario: string,
  times: Map<string, number[]>,
  baseline: string,
  targets: Record<string, number> = {},
) {
  const base = median(times.get(baseline) ?? []);
  for (const [contender, values] of times) {
    const value = median(values);
    const target = targets[contender];
    rows.push({
      scenario,
      contender,
      value,
      unit: 'ms',
      ...(contender !== baseline && { baseline, ratio: value / base }),
      ...(target !== undefined && { target: `≤ ×${target}`, met: value / base <= target }),
    });
  }
}

async function screens(
  cached: Wharf,
  uncached: Wharf,
  label: string,
  raw: ReturnType<typeof rawEngine>,
  n: number,
) {
  const py = await dockerPy(label);
  if (typeof py === 'string') notes.push(py);
  const list = await interleaved(
    [
      wharfScreen(cached, LIST_SCREEN, label, 'wharf (cache)'),
      wharfScreen(uncached, LIST_SCREEN, label, 'wharf (no cache)'),
      rawList(raw, label),
      dockerode(label, false),
    ],
    rounds,
  );
  compare(`1 list screen, ${n}`, list, 'raw list', {
    'wharf (cache)': 0.5,
    'wharf (no cache)': 1.3,
  });
  const contenders: Contender[] = [
    wharfScreen(cached, INSPECT_SCREEN, label, 'wharf (cache)'),
    wharfScreen(uncached, INSPECT_SCREEN, label, 'wharf (no cache)'),
    rawListInspect(raw, label),
    dockerode(label, true),
    ...(typeof py === 'string' ? [] : [py]),
  ];
  const inspect = await interleaved(contenders, Math.max(3, Math.round(rounds / 3)));
  compare(`2 inspect screen, ${n}`, inspect, 'raw list+inspect', {
    'wharf (cache)': 0.3,
    'wharf (no cache)': 1.1,
  });
  if (typeof py !== 'string') {
    const pyMedian = median(inspect.get(py.name) ?? []);
    for (const name of ['wharf (cache)', 'wharf (no cache)']) {
      const value = median(inspect.get(name) ?? []);
      rows.push({
        scenario: `2 inspect screen, ${n}`,
        contender: name,
        value,
        unit: 'ms',
        baseline: py.name,
        ratio: value / pyMedian,
        target: '≤ ×0.33',
        met: value / pyMedian <= 1 / 3,
      });
    }
    py.close();
  }
  return { list, inspect };
}

async function main() {
  const raw = rawEngine();
  const cached = await startWharf('wharf (cache)', { WHARF_CACHE: 'on' }, args.profile);
  const uncached = await startWharf('wharf (no cache)', { WHARF_CACHE: 'off' }, args.profile);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const fixtures = await createFixtures(raw, count, Math.min(10, count));
    cleanups.push(fixtures.remove);
    // The cached Wharf has seen every fixture once it lists them all.
    await waitForCount(cached, fixtures.label, count);

    if (only.has('1') || only.has('2')) await screens(cached, uncached, fixtures.label, raw, count);

    // 3: growth — time per container at each size.
    for (const n of only.has('3') ? growth : []) {
      const more = await createFixtures(raw, n, 0);
      cleanups.push(more.remove);
      await waitForCount(cached, more.label, n);
      const times = await interleaved(
        [
          wharfScreen(cached, LIST_SCREEN, more.label, 'wharf (cache)'),
          wharfScreen(uncached, LIST_SCREEN, more.label, 'wharf (no cache)'),
          rawList(raw, more.label),
        ],
        smoke ? 2 : 10,
      );
      for (const [name, values] of times) {
        rows.push({
          scenario: `3 growth, ${n}`,
          contender: name,
          value: (median(values) * 1000) / n,
          unit: 'µs/container',
        });
      }
      await more.remove();
      cleanups.pop();
    }

    // 4: 20 concurrent clients.
    const duration = smoke ? 500 : 10_000;
    for (const contender of !only.has('4')
      ? []
      : [
          wharfScreen(cached, LIST_SCREEN, fixtures.label, 'wharf (cache)'),
          wharfScreen(uncached, LIST_SCREEN, fixtures.label, 'wharf (no cache)'),
          rawList(raw, fixtures.label),
        ]) {
      const result = await concurrent(contender, 20, duration);
      rows.push({
        scenario: '4 20 clients',
        contender: contender.name,
        value: result.perSecond,
        unit: 'req/s',
      });
      rows.push({
        scenario: '4 20 clients p50',
        contender: contender.name,
        value: result.p50,
        unit: 'ms',
      });
      rows.push({
        scenario: '4 20 clients p99',
        contender: contender.name,
        value: result.p99,
        unit: 'ms',
      });
    }

    // 5: events to many subscribers.
    const started = fixtures.ids.slice(0, Math.min(10, count));
    for (const [sockets, perSocket] of !only.has('5')
      ? []
      : smoke
        ? [[2, 5]]
        : [
            [10, 100],
            [1000, 1],
          ]) {
      // The floor: the same clients and events on a bare ws server with no GraphQL in it.
      const floor = await startRawFanout();
      for (const wharf of [cached, uncached, floor]) {
        const result = await eventFanout(wharf, raw, {
          label: fixtures.label,
          targets: started,
          sockets: sockets as number,
          perSocket: perSocket as number,
          events: smoke ? 10 : 200,
        });
        const scenario = `5 events ${sockets}×${perSocket}`;
        rows.push({ scenario, contender: wharf.name, value: result.p50, unit: 'ms p50' });
        rows.push({
          scenario,
          contender: wharf.name,
          value: result.p99,
          unit: 'ms p99',
          target: '< 50 ms',
          met: result.p99 < 50 && result.delivered >= result.expected,
        });
        if (result.delivered < result.expected) {
          notes.push(
            `${scenario} ${wharf.name}: ${result.delivered} of ${result.expected} deliveries in 60 s`,
          );
        }
      }
      await floor.stop();
    }

    // 6: log throughput, a written history and live follows, against raw undici + demultiplexing.
    if (only.has('6')) {
      const logs = await logThroughput(raw, [cached, uncached], {
        historyBytes: smoke ? 1e6 : Number(args['log-mb']) * 1e6,
        followBytes: smoke ? 0.5e6 : Number(args['log-mb']) * 0.25e6,
        rounds: smoke ? 1 : 3,
        warmup: smoke ? 0 : 1,
      });
      for (const [what, rates, bytes] of [
        ['history', logs.history, logs.historyBytes],
        ['follow', logs.follow, logs.followBytes],
      ] as const) {
        const scenario = `6 logs ${what}, ${Math.round(bytes / 1e6)} MB`;
        const base = median(rates.get('raw undici') ?? []);
        for (const [contender, values] of rates) {
          const value = median(values);
          const isBase = contender === 'raw undici';
          rows.push({
            scenario,
            contender,
            value,
            unit: 'MB/s',
            ...(!isBase && { baseline: 'raw undici', ratio: value / base }),
            ...(!isBase && { target: '≥ ×0.8', met: value / base >= 0.8 }),
          });
        }
      }
    }

    // 7: memory of idle subscriptions.
    for (const wharf of only.has('7') ? [cached, uncached] : []) {
      const memory = await idleSubscriptions(wharf, smoke ? 20 : 1000);
      rows.push({
        scenario: '7 memory idle',
        contender: wharf.name,
        value: memory.idle / 2 ** 20,
        unit: 'MiB',
      });
      rows.push({
        scenario: '7 memory per idle subscription',
        contender: wharf.name,
        value: memory.perSubscription / 1024,
        unit: 'KiB',
        target: '< 10 KiB',
        met: memory.perSubscription < 10 * 1024,
      });
      rows.push({
        scenario: '7 memory after close',
        contender: wharf.name,
        value: memory.after / 2 ** 20,
        unit: 'MiB',
        target: '≤ idle +10 %',
        met: memory.after <= memory.idle * 1.1,
      });
    }

    // 8: a live list of N containers (one started) while that one restarts in a loop, the client
    // taking whole results, then JSON Patch.
    if (only.has('8')) {
      const n = smoke ? count : Number(args['live-containers']);
      const listed = await createFixtures(raw, n, 1);
      cleanups.push(listed.remove);
      for (const wharf of [cached, uncached]) {
        for (const patches of [false, true]) {
          const live = await liveRestarts(wharf, raw, {
            label: listed.label,
            total: n,
            target: listed.ids[0] as string,
            restarts: smoke ? 1 : 20,
            patches,
          });
          const scenario = `8 @live ${n}, restart loop`;
          const contender = `${wharf.name} ${patches ? 'JSON Patch' : 'whole'}`;
          rows.push({ scenario, contender, value: live.p50, unit: 'ms p50 from event' });
          rows.push({ scenario, contender, value: live.p99, unit: 'ms p99 from event' });
          rows.push({ scenario, contender, value: live.bytesPerUpdate, unit: 'B/update' });
          rows.push({
            scenario,
            contender,
            value: live.updates / live.events,
            unit: 'updates/event',
          });
          if (live.missed > 0)
            notes.push(
              `${scenario} ${contender}: ${live.missed} of ${live.events} events never shown`,
            );
        }
      }
      await listed.remove();
      cleanups.pop();
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await Promise.all([cached.stop(), uncached.stop()]);
    await raw.close();
  }
  // 9: the cache's heap per container, after the Wharfs stop (they would re-read every fixture).
  if (only.has('9')) rows.push(...(await cacheMemory(cacheSizes, notes)));

  await report();
}

/** Scenario 10 alone: the dashboard over 1,000 containers, in its own Wharf and Chromium. */
async function ui() {
  const raw = rawEngine();
  try {
    const sizes = smoke
      ? { total: 20, restarts: 5, small: 10, rounds: 1 }
      : { total: 1000, restarts: 50, small: 100, rounds: 5 };
    rows.push(...(await dashboardBench(raw, sizes, notes)));
  } finally {
    await raw.close();
  }
  await report();
}

async function report() {
  printTable(rows);
  for (const note of notes) console.log(`note: ${note}`);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, engine ${await docker('version', '-f', '{{.Server.Version}}')}`;
  console.log(`machine: ${machine}`);
  // A smoke pass proves the bench runs; it must not replace the figures of a real one.
  writeFileSync(
    new URL(`./results/${resultsName()}`, import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), machine, smoke, containers: count, rows, notes }, null, 2)}\n`,
  );
}

/** latest.json only for a whole real run; a smoke pass or some scenarios write beside it. */
function resultsName(): string {
  if (args.ui) return smoke ? 'ui-smoke.json' : 'ui.json';
  if (smoke) return 'smoke.json';
  return args.scenarios === ALL_SCENARIOS ? 'latest.json' : `scenarios-${args.scenarios}.json`;
}

async function waitForCount(wharf: Wharf, label: string, n: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { data } = await wharf.query<{ containers: { totalCount?: number; edges: unknown[] } }>(
      'query($label: String!) { containers(all: true, first: 100, filter: { label: [$label] }) { edges { cursor } } }',
      { label },
    );
    if (data.containers.edges.length >= Math.min(n, 100)) return;
    if (Date.now() > deadline) throw new Error(`${wharf.name} never listed ${n} containers`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await (args.ui ? ui() : main()).catch((error: unknown) => {
  // What was measured before a scenario failed is still worth seeing.
  printTable(rows);
  for (const note of notes) console.log(`note: ${note}`);
  throw error;
});
