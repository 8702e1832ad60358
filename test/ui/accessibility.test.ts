import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/*
 * The resource screens (what uses what, what prune would take) and an axe-core pass over the
 * main screens: no serious or critical violations. axe goes in through devtools (page.evaluate),
 * which the page's CSP (script-src 'self') does not govern; the page itself is unchanged.
 */

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const scope = testScope('a11y');
let gateway: TestGateway;
let browser: TestBrowser;
let page: Page;
let user: string;
let network: string;
let volume: string;
let spare: string;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe's serious and critical findings on the page as it is now, one line each. */
async function seriousViolations(): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const result = await page.evaluate<{ violations: Violation[]; passes: unknown[] }>(
    'axe.run(document, { resultTypes: ["violations"] })',
  );
  // A pass that checked nothing would find nothing: axe must have run its rules on this page.
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

async function open(section: string) {
  await page.goto(`${gateway.url}/ui/#/${section}`);
  await page.getByTestId('who').waitFor();
}

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
  browser = await startBrowser([gateway.url]);
  network = scope.name('net');
  volume = scope.name('vol');
  spare = scope.name('spare');
  await docker('network', 'create', ...scope.labelArgs, network);
  await docker('volume', 'create', ...scope.labelArgs, volume);
  await docker('volume', 'create', ...scope.labelArgs, spare);
  user = await scope.shell(
    'user',
    'trap "exit 0" TERM; sleep 600 & wait',
    '--network',
    network,
    '-v',
    `${volume}:/data`,
  );
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await scope.cleanup();
  await gateway?.stop();
});

describe('the dashboard', () => {
  it('has no serious or critical accessibility violations on its main screens', async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByLabel('Token').waitFor();
    expect(await seriousViolations(), 'login').toEqual([]);

    // An operator, so the action buttons are on the page too.
    await page.getByLabel('Token').fill(TOKENS.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByLabel('Label').fill(scope.label);
    await page.locator(`tr[data-name="${user}"] button[data-action="STOP"]`).waitFor();
    expect(await seriousViolations(), 'containers').toEqual([]);

    await page.getByRole('link', { name: user }).click();
    await page.locator('.container-page').waitFor();
    expect(await seriousViolations(), 'container page').toEqual([]);

    for (const [section, ready] of [
      ['events', 'main > :nth-child(2)'],
      ['images', 'tr[data-image]'],
      ['networks', `tr[data-network="${network}"]`],
      ['volumes', `tr[data-volume="${volume}"]`],
      ['disk', 'tr[data-kind="images"]'],
    ] as const) {
      await open(section);
      await page.locator(ready).first().waitFor();
      expect(await seriousViolations(), section).toEqual([]);
    }
    expect(browser.pageErrors).toEqual([]);
    expect(browser.strayRequests).toEqual([]);
  });

  it('shows what uses each image, network and volume, and what prune would take', async () => {
    const fixture = (await docker('image', 'inspect', '-f', '{{.Id}}', FIXTURE_IMAGE)).slice(7, 19);
    await open('images');
    const image = page.locator(`tr[data-image="${fixture}"]`);
    await image.getByRole('link', { name: user }).waitFor();
    expect(await image.getAttribute('data-prune')).toBe('in use');
    await expect
      .poll(() => page.getByTestId('prune-summary').textContent())
      .toMatch(/imagesPrune would remove \d+ images?, [\d.]+ \w?B \(untagged, unused\)/);
    await page.screenshot({ path: `${SHOTS}images.png` });

    await open('networks');
    await page.locator(`tr[data-network="${network}"]`).getByRole('link', { name: user }).waitFor();

    await open('volumes');
    await page.locator(`tr[data-volume="${volume}"]`).getByRole('link', { name: user }).waitFor();
    await page.locator(`tr[data-volume="${spare}"]`).getByText('none').waitFor();
    expect(await page.getByTestId('prune-summary').textContent()).toMatch(
      /volumesPrune would remove [1-9]\d* volumes? no container uses/,
    );

    // Live: a new user of the spare volume shows up with no reload.
    const late = await scope.shell('late', 'sleep 600', '-v', `${spare}:/data`);
    await page.locator(`tr[data-volume="${spare}"]`).getByRole('link', { name: late }).waitFor({
      timeout: 5_000,
    });
    await page.locator(`tr[data-volume="${spare}"]`).getByRole('link', { name: late }).click();
    await page.locator('.container-page h1').filter({ hasText: late }).waitFor();

    await open('disk');
    const images = page.locator('tr[data-kind="images"] td');
    expect(Number(await images.nth(0).textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await images.nth(1).textContent())).toBeGreaterThanOrEqual(1);
    const containers = page.locator('tr[data-kind="containers"] td');
    expect(Number(await containers.nth(0).textContent())).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: `${SHOTS}disk-usage.png` });
    expect(browser.pageErrors).toEqual([]);
  });
});
