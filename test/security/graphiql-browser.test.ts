import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { docker, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * GraphiQL in a real browser (Debian's headless Chromium, never a downloaded one): it works with
 * no network beyond Wharf itself, and a page from another origin can neither query nor subscribe.
 */

const scope = testScope('graphiql');
let gateway: TestGateway;
let browser: TestBrowser;
let foreignPage: Server;
let foreignOrigin: string;

beforeAll(async () => {
  gateway = await startGateway();
  foreignPage = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>elsewhere</title>
      <iframe name="sink"></iframe>
      <form method="POST" action="${gateway.url}/graphql" target="sink">
        <input name="query" value='${createMutation('form')}'>
      </form>`);
  });
  await new Promise<void>((resolve) => foreignPage.listen(0, '127.0.0.1', resolve));
  foreignOrigin = `http://127.0.0.1:${(foreignPage.address() as AddressInfo).port}`;

  // No network: only Wharf and the foreign page answer; anything else (a CDN) is recorded.
  browser = await startBrowser([gateway.url, foreignOrigin]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => foreignPage?.close(resolve));
  await scope.cleanup();
  await gateway?.stop();
});

function createMutation(hint: string): string {
  return `mutation { containerCreate(input: { image: "${FIXTURE_IMAGE}", name: "${scope.name(hint)}", cmd: ["true"], labels: [{ key: "${TEST_LABEL}", value: "${scope.run}" }] }) { dockerId } }`;
}

/** Replaces the query editor's text and presses Run. */
async function run(page: Page, operation: string): Promise<void> {
  await page.click('.graphiql-query-editor .monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(operation);
  await page.click('.graphiql-execute-button');
}

async function responseShows(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    // Monaco renders spaces as no-break spaces.
    (expected) =>
      document
        .querySelector('.graphiql-response')
        ?.textContent?.replaceAll('\u00a0', ' ')
        .includes(expected),
    text,
    { timeout: 30_000 },
  );
}

describe('GraphiQL in headless Chromium', () => {
  it('renders with no network, runs a query and a subscription', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // A CSP violation is reported on the console; any is a failure of the page's policy.
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${gateway.url}/graphql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 60_000 });
    expect(await page.title()).toBe('Wharf GraphiQL');

    const { version } = (await gateway.data('{ engine { version } }')).engine as {
      version: string;
    };
    // `query` first: Monaco would close a leading `{` a second time.
    await run(page, 'query Engine { engine { version } }');
    await responseShows(page, `"version": "${version}"`);

    const name = await scope.shell('logs', 'echo graphiql-marker-1; sleep 600');
    await run(
      page,
      `subscription Logs { containerLogs(ref: "${name}", follow: true) { ... on LogLines { lines { text } } } }`,
    );
    await responseShows(page, 'graphiql-marker-1');

    expect(browser.strayRequests).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
    // GraphiQL is one 9 MB page; parsing it on a busy CI core takes a while.
  }, 120_000);

  it('lets a page from another origin neither query, post a form, nor open a socket', async () => {
    const page = await browser.context.newPage();
    const gatewayStatuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(gateway.url)) gatewayStatuses.push(response.status());
    });
    await page.goto(`${foreignOrigin}/`);

    const formAnswer = page.waitForResponse(
      (response) =>
        response.url() === `${gateway.url}/graphql` && response.frame().name() === 'sink',
    );
    await page.evaluate(() => document.forms[0]?.submit());
    expect((await formAnswer).status()).toBe(403);

    const outcome = await page.evaluate(
      async ({ endpoint, mutation }) => {
        const body = JSON.stringify({ query: mutation });
        const attempt = async (init: RequestInit) => {
          try {
            const response = await fetch(endpoint, { method: 'POST', body, ...init });
            return `read ${response.status}`;
          } catch {
            return 'blocked';
          }
        };
        const socket = () =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(endpoint.replace('http', 'ws'), 'graphql-transport-ws');
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          });
        const eventSource = () =>
          new Promise<string>((resolve) => {
            const query = encodeURIComponent('subscription { events { __typename } }');
            const source = new EventSource(`${endpoint}?query=${query}`);
            source.onmessage = () => resolve('message');
            source.onerror = () => {
              source.close();
              resolve('refused');
            };
          });
        return {
          json: await attempt({ headers: { 'content-type': 'application/json' } }),
          simple: await attempt({ mode: 'no-cors', headers: { 'content-type': 'text/plain' } }),
          socket: await socket(),
          eventSource: await eventSource(),
        };
      },
      { endpoint: `${gateway.url}/graphql`, mutation: createMutation('fetch') },
    );
    expect(outcome).toEqual({
      json: 'blocked',
      // Sent without a preflight, but Cross-Origin-Resource-Policy keeps even the opaque answer out.
      simple: 'blocked',
      socket: 'refused',
      eventSource: 'refused',
    });
    // Whatever reached Wharf from that page was refused there, not only hidden by the browser.
    expect(gatewayStatuses.length).toBeGreaterThan(0);
    expect(gatewayStatuses.every((status) => status === 403)).toBe(true);
    const names = await docker(
      'ps',
      '-a',
      '--filter',
      `label=${scope.label}`,
      '--format',
      '{{.Names}}',
    );
    expect(names.split('\n').filter((name) => /-(fetch|form)-/.test(name))).toEqual([]);
    await page.close();
  });
});
