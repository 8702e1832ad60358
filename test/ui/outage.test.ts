import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type PrivateEngine, startPrivateEngine } from '../helpers/private-engine.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/*
 * An engine goes away under the dashboard (a private dockerd, SIGKILLed) and comes back: the
 * page shows the outage and the recovery with no reload, and the events timeline shows the gap.
 */

const scope = testScope('ui-outage');
let side: PrivateEngine;
let gateway: TestGateway;
let browser: TestBrowser;
const onSide = scope.name('side');

beforeAll(async () => {
  side = await startPrivateEngine('ui-outage');
  // Created, not running: dockerd's restart then has no container to stop first.
  await side.docker('create', '--label', scope.label, '--name', onSide, FIXTURE_IMAGE, 'true');
  gateway = await startGateway({
    engines: [
      { name: 'host', dockerHost: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock' },
      { name: 'side', dockerHost: side.dockerHost },
    ],
    tokens: tokenStore(),
    timeoutMs: 5_000,
  });
  browser = await startBrowser([gateway.url]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await side?.stop();
  await scope.cleanup();
}, 120_000);

async function signIn(route: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${gateway.url}/`);
  await page.getByLabel('Token').fill(TOKENS.viewer);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  await page.evaluate((hash) => {
    location.hash = hash;
  }, route);
  return page;
}

const chip = (page: Page, engine: string, ready: boolean) =>
  page.locator(`.engines [data-engine="${engine}"][data-ready="${ready}"]`);

describe('an engine outage in the dashboard', () => {
  it('shows the engine unavailable and back, its containers gone and back, and the gap', async () => {
    const events = await signIn('#/events');
    const page = await signIn('#/containers');
    const navigations: string[] = [];
    for (const tab of [page, events]) {
      tab.on('framenavigated', (frame) => navigations.push(frame.url()));
    }
    await page.getByLabel('Label').fill(scope.label);
    const row = page.locator(`tr[data-name="${onSide}"]`);
    const warning = page.getByRole('alert').filter({ hasText: 'side' });
    await chip(page, 'host', true).waitFor();
    await chip(page, 'side', true).and(page.locator('[data-events="CONNECTED"]')).waitFor();
    expect(await chip(page, 'side', true).textContent()).toMatch(/Docker \d+\.\d+.*API 1\.\d+/);
    await row.waitFor();

    await side.kill();
    await chip(page, 'side', false).waitFor({ timeout: 10_000 });
    await warning.waitFor();
    await row.waitFor({ state: 'detached' });
    expect(await chip(page, 'side', false).getAttribute('data-events')).toBe('DISCONNECTED');
    await chip(page, 'host', true).waitFor();
    await page.screenshot({ path: `${SHOTS}engine-outage.png` });

    await side.restart();
    // The event stream retries with backoff (at most 5 s apart).
    await chip(page, 'side', true).and(page.locator('[data-events="CONNECTED"]')).waitFor({
      timeout: 15_000,
    });
    await row.waitFor();
    await warning.waitFor({ state: 'detached' });
    expect(await chip(page, 'side', true).textContent()).toMatch(/1 gap/);

    const gap = events.locator('.timeline li[data-kind="gap"][data-engine="side"]');
    await gap.waitFor();
    expect(await gap.getAttribute('data-reason')).toBe('ENGINE_UNAVAILABLE');
    // Events after the gap arrive above it (newest first).
    await side.docker('start', onSide);
    const started = events.locator('.timeline li[data-engine="side"][data-action="start"]');
    await started.waitFor();
    const order = await events
      .locator('.timeline li[data-engine="side"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')));
    expect(order.indexOf('event')).toBeLessThan(order.indexOf('gap'));
    // The gap stays in view whatever the filters ask for.
    await events.getByLabel('Action').fill('no-such-action');
    await gap.waitFor();
    await events.getByLabel('Action').fill('');
    await events.screenshot({ path: `${SHOTS}events.png` });

    expect(navigations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
    expect(browser.strayRequests).toEqual([]);
  });
});
