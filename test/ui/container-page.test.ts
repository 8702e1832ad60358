import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/*
 * A container's page in Debian's headless Chromium against a real engine: stats plots from
 * `containerStats`, and an exec terminal over execCreate/execAttach/execInput for roles that may.
 */

const scope = testScope('ui-container');
let gateway: TestGateway;
let browser: TestBrowser;
let target: string;

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
  browser = await startBrowser([gateway.url]);
  // Some CPU and memory to plot, and a shell to exec into.
  target = await scope.shell(
    'target',
    'while true; do head -c 65536 /dev/urandom | md5sum >/dev/null; sleep 0.5; done',
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await scope.cleanup();
  await gateway?.stop();
});

/**
 * Keeps the page's WebSockets where a test can close them (a devtools script, outside the CSP):
 * a dropped connection as the page sees one.
 */
const TRACK_SOCKETS = `(() => {
  const Native = WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
})();`;

/** Signs in and opens the target's page from the containers table. */
async function openTarget(token: string, init?: string): Promise<Page> {
  const page = await browser.context.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(`${gateway.url}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  await page.getByLabel('Label').fill(scope.label);
  await page.locator(`tr[data-name="${target}"]`).getByRole('link', { name: target }).click();
  await page.getByRole('heading', { name: target }).waitFor();
  return page;
}

const samples = async (page: Page) =>
  Number(await page.locator('.stats-plots').getAttribute('data-samples'));

/** Whether any canvas of the stats plots has a painted pixel. */
const painted = (page: Page) =>
  page.locator('.stats-plots').evaluate((grid) =>
    [...grid.querySelectorAll('canvas')].some((canvas) => {
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, width, height).data ?? [];
      return pixels.some((value, index) => index % 4 === 3 && value > 0);
    }),
  );

/** The first plot's canvas width on the page, in CSS pixels. */
const plotWidth = (page: Page) =>
  page
    .locator('.stats-plots canvas')
    .first()
    .evaluate((canvas) => canvas.getBoundingClientRect().width);

describe('container page', () => {
  it('plots a viewer the stats, with no terminal', async () => {
    const page = await openTarget(TOKENS.viewer);
    await expect.poll(() => samples(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const before = await samples(page);
    await expect.poll(() => samples(page), { timeout: 5_000 }).toBeGreaterThan(before);
    expect(await page.locator('.stats-plots canvas').count()).toBe(4);
    expect(await painted(page)).toBe(true);
    expect(await page.locator('.stats .u-title').allTextContents()).toEqual([
      'CPU',
      'Memory',
      'Network',
      'Block I/O',
    ]);
    // The plots follow the page's width: in a narrower window, two still fit side by side.
    const wide = await plotWidth(page);
    expect(wide).toBeGreaterThan(600);
    await page.setViewportSize({ width: 900, height: 900 });
    await expect.poll(() => plotWidth(page), { timeout: 5_000 }).toBeLessThan(450);
    expect(await painted(page)).toBe(true);
    expect(await page.getByRole('region', { name: 'Terminal' }).count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
    expect(browser.strayRequests).toEqual([]);
    await page.close();
  });

  it('gives an admin a terminal: input runs, output appears, the exit code shows', async () => {
    const page = await openTarget(TOKENS.admin);
    const { screen, status } = await openTerminal(page, '#');
    // xterm.js's own styles apply (the CSP admits them): light text on the black terminal.
    expect(await screen.evaluate((rows) => getComputedStyle(rows).color)).toBe(
      'rgb(255, 255, 255)',
    );
    await run(page, 'echo hello-$((6*7))');
    await expect.poll(() => screen.textContent(), { timeout: 5_000 }).toContain('hello-42');
    await expect.poll(() => samples(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: `${SHOTS}container-terminal.png`, fullPage: true });
    await run(page, 'exit 3');
    await status.and(page.locator('[data-status="exited"]')).waitFor({ timeout: 10_000 });
    expect(await status.textContent()).toBe('process exited with exit code 3');
    expect(browser.pageErrors).toEqual([]);
    expect(browser.strayRequests).toEqual([]);
    await page.close();
  });

  it('ends a shell whose connection dropped, keeps its output, and starts another', async () => {
    const page = await openTarget(TOKENS.admin, TRACK_SOCKETS);
    const { screen, status } = await openTerminal(page, '#');
    await run(page, 'echo before-$((6*7))');
    await expect.poll(() => screen.textContent(), { timeout: 5_000 }).toContain('before-42');
    await page.evaluate('window.__sockets.forEach((socket) => socket.close())');
    await status.and(page.locator('[data-status="ended"]')).waitFor({ timeout: 5_000 });
    expect(await status.textContent()).toBe('session ended: connection lost');
    // The page reconnects on its own; the shell stays ended rather than failing on a resubscribe.
    await expect
      .poll(() => page.getByTestId('connection').textContent(), { timeout: 10_000 })
      .toBe('live');
    expect(await status.getAttribute('data-status')).toBe('ended');
    await page.getByRole('button', { name: 'Start a new session', exact: true }).click();
    await status.and(page.locator('[data-status="running"]')).waitFor({ timeout: 10_000 });
    await page.getByTestId('terminal').click();
    await run(page, 'echo after-$((6*7))');
    await expect.poll(() => screen.textContent(), { timeout: 5_000 }).toContain('after-42');
    expect(await screen.textContent()).toContain('before-42');
    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });

  it("runs an operator's shell as user 1000, not root", async () => {
    const page = await openTarget(TOKENS.operator);
    const { screen } = await openTerminal(page, '$');
    await run(page, 'id -u');
    await expect.poll(() => screen.textContent(), { timeout: 5_000 }).toContain('id -u1000');
    expect(browser.pageErrors).toEqual([]);
    // Leaving with the shell running detaches it (Wharf closes the connection).
    await page.close();
  });
});

/** Opens a terminal and waits for the shell's prompt (`#` for root, `$` for others). */
async function openTerminal(page: Page, prompt: string) {
  await page.getByRole('button', { name: 'Open terminal' }).click();
  const status = page.locator('.terminal-status');
  await status.and(page.locator('[data-status="running"]')).waitFor({ timeout: 10_000 });
  // xterm.js draws only while it is on screen, as a user who reads it has it.
  await page.getByTestId('terminal').scrollIntoViewIfNeeded();
  const screen = page.getByTestId('terminal').locator('.xterm-rows');
  await expect.poll(() => screen.textContent(), { timeout: 5_000 }).toContain(prompt);
  await page.getByTestId('terminal').click();
  return { screen, status };
}

async function run(page: Page, line: string) {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
