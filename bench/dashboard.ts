/**
 * `npm run bench -- --ui`: the dashboard in headless Chromium over 1,000 containers (950 created,
 * 50 running), a tenant token scoped to their label so the table holds exactly them. It measures
 * sign-in (and a reload with the token saved) to the first rows and to all 1,000 counted, then
 * restarts the 50 running ones with the docker CLI while typing in the Name filter: input to next
 * paint, the longest main-thread task, and the time until the table shows every restart. Beside
 * it: the same page over 100 containers, and the page's own query (ten pages of 100 in turn) over
 * HTTP. Measured, never asserted.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { mapLimit } from '../src/engine/state/collections.ts';
import { CHROMIUM } from '../test/helpers/browser.ts';
import { ContainersDocument, type ContainersQuery } from '../ui/src/__generated__/graphql.ts';
import { createFixtures, docker, IMAGE, type RawEngine } from './fixtures.ts';
import { median, percentile, type Row } from './measure.ts';
import { startWharf } from './wharf.ts';

export interface DashboardOptions {
  total: number;
  restarts: number;
  small: number;
  rounds: number;
}

/**
 * The containers table's query: the document ui/src/views/containers.tsx sends (generated from it,
 * so the two cannot drift), without `@live`, for its time without the page: one answer a request.
 */
const CONTAINERS = ContainersDocument.toString().replace(/\s@live\b/, '');

/** The table's row height and what it renders beyond the viewport (containers.tsx). */
const ROW_HEIGHT = 36;

/**
 * Probes installed before the app's script runs (devtools scripts, outside the page's CSP):
 * when the first row and the full count appear, long tasks, the time from each key press to
 * the next frame, and when every rendered row of the restarted containers shows a new start.
 */
function probes(total: number): string {
  // The count as a number: the tenant also sees containers that carry no tenant label at all.
  return `(() => {
  const bench = (window.__bench = {
    first: null, all: null, tasks: [], inputs: [], names: new Set(), since: null, restarted: null,
  });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.tasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    const now = performance.now();
    if (bench.first === null && document.querySelector('tbody tr[data-name]')) bench.first = now;
    if (bench.all === null && Number(document.querySelector('[data-testid="count"]')?.textContent) >= ${total}) bench.all = now;
    if (bench.since !== null && bench.restarted === null) {
      const rows = [...document.querySelectorAll('tbody tr[data-name]')]
        .filter((row) => bench.names.has(row.dataset.name));
      if (rows.length > 0 && rows.every((row) => (row.dataset.started ?? '') >= bench.since)) bench.restarted = now;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('keydown', (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => bench.inputs.push([start, performance.now() - start]);
      channel.port2.postMessage(0);
    });
  }, true);
})();`;
}

/** Polls an expression (waitForFunction's string form is an eval, which the page's CSP refuses). */
async function until(page: Page, expression: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) {
      const shown = await page.evaluate<string>('document.body.innerText.slice(0, 400)');
      throw new Error(`timed out waiting for ${expression}; the page shows: ${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Marks {
  first: number;
  all: number;
}

const marks = (page: Page) =>
  page.evaluate<Marks>('({ first: window.__bench.first, all: window.__bench.all })');

/** A fresh tab (no saved token) that signs in: milliseconds from the click to each mark. */
async function signIn(browser: Browser, url: string, token: string, total: number) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(probes(total));
  const page = await context.newPage();
  await page.goto(`${url}/ui/`);
  await page.getByLabel('Token').fill(token);
  const clicked = await page.evaluate<number>(
    '(() => { const t = performance.now(); document.querySelector(\'button[type="submit"]\').click(); return t; })()',
  );
  await until(page, 'window.__bench.all !== null && window.__bench.first !== null', 60_000);
  const at = await marks(page);
  return { page, close: () => context.close(), first: at.first - clicked, all: at.all - clicked };
}

/** A reload with the token in sessionStorage: milliseconds from navigation start to each mark. */
async function reload(page: Page) {
  await page.reload();
  await until(page, 'window.__bench.all !== null && window.__bench.first !== null', 60_000);
  return marks(page);
}

/** Types into the Name filter (always matching every row) until `until` is done: key→frame. */
async function typeWhile(page: Page, until: Promise<unknown>, minimumKeys: number) {
  const name = page.getByLabel('Name');
  let done = false;
  const stop = () => {
    done = true;
  };
  void until.then(stop, stop);
  let keys = 0;
  while (!done || keys < minimumKeys) {
    for (const key of [
      'b',
      'e',
      'n',
      'c',
      'h',
      'Backspace',
      'Backspace',
      'Backspace',
      'Backspace',
      'Backspace',
    ]) {
      await name.press(key);
      keys += 1;
      // About 20 keys a second, as a quick typist.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Key→frame latencies and the longest task since `from` (the page's clock). */
async function since(page: Page, from: number) {
  const [inputs, tasks] = await page.evaluate<[number[][], number[][]]>(
    '[window.__bench.inputs, window.__bench.tasks]',
  );
  const latencies = inputs.filter(([at]) => (at as number) >= from).map(([, ms]) => ms as number);
  const longest = Math.max(
    0,
    ...tasks.filter(([at]) => (at as number) >= from).map(([, ms]) => ms as number),
  );
  return { latencies, longest };
}

/** The running ones, created after the rest so they top the table (newest first). */
async function createRunning(raw: RawEngine, label: string, count: number) {
  const [key, value] = label.split('=') as [string, string];
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = (await raw.call(
      'POST',
      `/containers/create?name=wharf-bench-${value}-restart-${i}`,
      { Image: IMAGE, Cmd: ['sleep', '3600'], Labels: { [key]: value } },
    )) as { Id: string };
    ids.push(created.Id);
  }
  await mapLimit(ids, 8, (id) => raw.call('POST', `/containers/${id}/start`));
  return {
    ids,
    names: ids.map((_, i) => `wharf-bench-${value}-restart-${i}`),
    remove: () =>
      mapLimit(ids, 16, (id) => raw.call('DELETE', `/containers/${id}?force=1`).catch(() => {})),
  };
}

export async function dashboardBench(raw: RawEngine, options: DashboardOptions, notes: string[]) {
  const rows: Row[] = [];
  await promisify(execFile)(process.execPath, ['scripts/build-ui.ts']);
  const cleanups: (() => Promise<unknown>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-ui-'));
  let browser: Browser | undefined;
  try {
    const big = await createFixtures(raw, options.total - options.restarts, 0);
    cleanups.push(big.remove);
    const running = await createRunning(raw, big.label, options.restarts);
    cleanups.push(running.remove);
    const small = await createFixtures(raw, options.small, 0);
    cleanups.push(small.remove);
    const tokens = { big: randomBytes(16).toString('hex'), small: randomBytes(16).toString('hex') };
    const file = join(dir, 'tokens.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'bench-big', role: 'operator', token: tokens.big, labels: [big.label] },
        { name: 'bench-small', role: 'operator', token: tokens.small, labels: [small.label] },
      ]),
    );
    const wharf = await startWharf('wharf (cache)', { WHARF_CACHE: 'on', WHARF_TOKENS_FILE: file });
    cleanups.push(wharf.stop);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });

    // The page's query alone: ten pages of 100 in turn over HTTP, as the page asks them.
    const pages = async (token: string) => {
      const start = performance.now();
      let after: string | null = null;
      let listed = 0;
      do {
        const response = await fetch(`${wharf.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: CONTAINERS, variables: { after } }),
        });
        const result = (await response.json()) as {
          data?: ContainersQuery;
          errors?: { message: string }[];
        };
        if (!result.data) throw new Error(`containers: ${result.errors?.[0]?.message}`);
        listed += result.data.containers.edges.length;
        after = result.data.containers.pageInfo.hasNextPage
          ? result.data.containers.pageInfo.endCursor
          : null;
      } while (after);
      return { ms: performance.now() - start, listed };
    };
    // The cache has seen every fixture once the list holds them all.
    for (
      const deadline = Date.now() + 120_000;
      (await pages(tokens.big)).listed < options.total;
    ) {
      if (Date.now() > deadline) throw new Error(`Wharf never listed ${options.total} containers`);
    }

    const times = new Map<string, number[]>();
    const add = (name: string, ms: number) => times.set(name, [...(times.get(name) ?? []), ms]);
    // Interleaved rounds, one warm-up: the big page, the small one, the query alone.
    for (let round = -1; round < options.rounds; round++) {
      for (const [size, token, n] of [
        ['big', tokens.big, options.total],
        ['small', tokens.small, options.small],
      ] as const) {
        const signed = await signIn(browser, wharf.url, token, n);
        const again = await reload(signed.page);
        await signed.close();
        const query = await pages(token);
        if (round < 0) continue;
        add(`${size} sign-in → first rows`, signed.first);
        add(`${size} sign-in → all counted`, signed.all);
        add(`${size} reload → all counted`, again.all);
        add(`${size} query`, query.ms);
      }
    }
    const figure = (name: string) => median(times.get(name) ?? []);
    for (const [what, unit] of [
      ['sign-in → first rows', 'ms'],
      ['sign-in → all counted', 'ms'],
      ['reload → all counted', 'ms'],
    ] as const) {
      const value = figure(`big ${what}`);
      const counted = what !== 'sign-in → first rows';
      rows.push({
        scenario: `10 dashboard, ${options.total}`,
        contender: what,
        value,
        unit,
        baseline: `${options.small} containers`,
        ratio: value / figure(`small ${what}`),
        ...(counted && { target: '< 1000 ms', met: value < 1000 }),
      });
      rows.push({
        scenario: `10 dashboard, ${options.small}`,
        contender: what,
        value: figure(`small ${what}`),
        unit,
      });
    }
    rows.push({
      scenario: `10 dashboard, ${options.total}`,
      contender: 'its query alone (HTTP)',
      value: figure('big query'),
      unit: 'ms',
    });
    rows.push({
      scenario: `10 dashboard, ${options.small}`,
      contender: 'its query alone (HTTP)',
      value: figure('small query'),
      unit: 'ms',
    });

    // Restarts while typing, after the same typing at rest.
    const restart = new Map<string, number[]>();
    const put = (name: string, values: number[]) =>
      restart.set(name, [...(restart.get(name) ?? []), ...values]);
    const longest = new Map<string, number[]>();
    for (let round = 0; round < Math.max(1, Math.round(options.rounds / 2)); round++) {
      const signed = await signIn(browser, wharf.url, tokens.big, options.total);
      const page = signed.page;
      const idleFrom = await page.evaluate<number>('performance.now()');
      await typeWhile(page, Promise.resolve(), 30);
      const idle = await since(page, idleFrom);
      put('idle', idle.latencies);
      longest.set('idle', [...(longest.get('idle') ?? []), idle.longest]);

      // The rows on screen restart last, so the table's last change is one we can see.
      const shown = new Set(
        await page.evaluate<string[]>(
          '[...document.querySelectorAll("tbody tr[data-name]")].map((row) => row.dataset.name)',
        ),
      );
      const order = running.ids
        .map((id, i) => [id, running.names[i] as string] as const)
        .sort(([, a], [, b]) => Number(shown.has(a)) - Number(shown.has(b)));
      const startedSince = new Date().toISOString();
      const from = await page.evaluate<number>(
        `(() => { window.__bench.names = new Set(${JSON.stringify(running.names)}); window.__bench.since = ${JSON.stringify(startedSince)}; return performance.now(); })()`,
      );
      const started = performance.now();
      let cli = Number.NaN;
      // Five CLIs at a time, five containers each (one restart takes the engine ~1-2 s here).
      const batches = Array.from({ length: Math.ceil(order.length / 5) }, (_, b) =>
        order.slice(b * 5, b * 5 + 5).map(([id]) => id),
      );
      const restarting = mapLimit(batches, 5, (ids) => docker('restart', '-t', '0', ...ids)).then(
        () => {
          cli = performance.now() - started;
        },
      );
      const shownAll = until(page, 'window.__bench.restarted !== null', 120_000);
      await typeWhile(page, Promise.all([restarting, shownAll]), 30);
      await restarting;
      await shownAll;
      const busy = await since(page, from);
      put(`during ${options.restarts} restarts`, busy.latencies);
      longest.set(`during ${options.restarts} restarts`, [
        ...(longest.get(`during ${options.restarts} restarts`) ?? []),
        busy.longest,
      ]);
      const restarted = (await page.evaluate<number>('window.__bench.restarted')) - from;
      restart.set('cli', [...(restart.get('cli') ?? []), cli]);
      restart.set('table', [...(restart.get('table') ?? []), restarted]);

      // The rows below the window: scrolled into view, each must show its new start too.
      await page.evaluate(
        `document.querySelector('.table-scroll').scrollTop = ${ROW_HEIGHT * (shown.size - 5)}`,
      );
      const below = await until(
        page,
        `[...document.querySelectorAll('tbody tr[data-name]')].filter((row) => window.__bench.names.has(row.dataset.name) && !${JSON.stringify([...shown])}.includes(row.dataset.name)).every((row) => row.dataset.started >= ${JSON.stringify(startedSince)})`,
        5_000,
      ).then(
        () => true,
        () => false,
      );
      if (!below)
        notes.push('10 dashboard: rows scrolled into view after the restarts showed an old start');
      await signed.close();
    }
    const scenario = `10 dashboard, ${options.total}, ${options.restarts} restarts`;
    const cli = median(restart.get('cli') ?? []);
    rows.push({ scenario, contender: 'docker restart (CLI returns)', value: cli, unit: 'ms' });
    rows.push({
      scenario,
      contender: 'table shows every restart',
      value: median(restart.get('table') ?? []),
      unit: 'ms',
      baseline: 'CLI returns',
      ratio: median(restart.get('table') ?? []) / cli,
    });
    for (const when of ['idle', `during ${options.restarts} restarts`]) {
      const latencies = restart.get(when) ?? [];
      rows.push({
        scenario,
        contender: `key → next frame, ${when}`,
        value: percentile(latencies, 50),
        unit: 'ms p50',
      });
      rows.push({
        scenario,
        contender: `key → next frame, ${when}`,
        value: percentile(latencies, 99),
        unit: 'ms p99',
        ...(when !== 'idle' && { target: '< 100 ms', met: percentile(latencies, 99) < 100 }),
      });
      rows.push({
        scenario,
        contender: `longest task, ${when}`,
        value: Math.max(...(longest.get(when) ?? [0])),
        unit: 'ms',
      });
    }
  } finally {
    await browser?.close();
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
