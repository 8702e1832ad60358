import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { docker, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/*
 * The dashboard in Debian's headless Chromium against a real engine: only Wharf's public API,
 * with the token the user typed.
 */

const scope = testScope('ui');
let gateway: TestGateway;
let browser: TestBrowser;
let chatty: string;
let sleeper: string;

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
  browser = await startBrowser([gateway.url]);
  // One line a second on each stream, so the page has logs to tell apart.
  chatty = await scope.shell(
    'chatty',
    'i=0; while true; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 1; done',
  );
  // Ends at once on SIGTERM, so a stop from the page takes no 10 s grace.
  sleeper = await scope.shell('sleeper', 'trap "exit 0" TERM; sleep 600 & wait');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await scope.cleanup();
  await gateway?.stop();
});

async function signIn(token: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${gateway.url}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

const row = (page: Page, name: string) => page.locator(`tr[data-name="${name}"]`);

describe('dashboard', () => {
  it('shows a viewer the labelled containers live, with no buttons it may not use', async () => {
    const page = await signIn(TOKENS.viewer);
    expect(await page.getByTestId('who').textContent()).toBe('dash (viewer)');
    await page.getByLabel('Label').fill(scope.label);
    await expect
      .poll(() => row(page, sleeper).getAttribute('data-state'), { timeout: 15_000 })
      .toBe('RUNNING');
    await expect
      .poll(() => row(page, chatty).getAttribute('data-state'), { timeout: 15_000 })
      .toBe('RUNNING');
    expect(await page.locator('button[data-action]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}containers.png` });

    // Changed from outside: the table follows within a second, with no reload.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await docker('stop', '-t', '0', sleeper);
    const stopped = Date.now();
    await row(page, sleeper).and(page.locator('[data-state="EXITED"]')).waitFor({ timeout: 5_000 });
    expect(Date.now() - stopped).toBeLessThan(1_000);
    await docker('start', sleeper);
    await row(page, sleeper)
      .and(page.locator('[data-state="RUNNING"]'))
      .waitFor({ timeout: 5_000 });
    expect(navigations).toEqual([]);

    // A container's page: its logs arrive on their own streams.
    await row(page, chatty).getByRole('link', { name: chatty }).click();
    await page.locator('.log-lines [data-stream="STDERR"]').first().waitFor();
    await expect
      .poll(() => page.locator('.log-lines [data-stream="STDOUT"]').count(), { timeout: 10_000 })
      .toBeGreaterThan(1);
    const stderr = await page.locator('.log-lines [data-stream="STDERR"]').first().textContent();
    expect(stderr).toMatch(/^err \d+$/);
    expect(await page.locator('button[data-action]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}container.png` });
    expect(browser.pageErrors).toEqual([]);
    expect(browser.strayRequests).toEqual([]);
    await page.close();
  });

  it('lets an operator stop and start a container, and the engine agrees', async () => {
    const page = await signIn(TOKENS.operator);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByLabel('Label').fill(scope.label);
    const target = row(page, sleeper);
    await target.locator('button[data-action="STOP"]').click();
    await target.and(page.locator('[data-state="EXITED"]')).waitFor({ timeout: 15_000 });
    expect(await docker('inspect', '-f', '{{.State.Status}}', sleeper)).toBe('exited');
    await target.locator('button[data-action="START"]').click();
    await target.and(page.locator('[data-state="RUNNING"]')).waitFor({ timeout: 15_000 });
    expect(await docker('inspect', '-f', '{{.State.Status}}', sleeper)).toBe('running');
    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });
});

describe('/ui', () => {
  it('serves the page with a CSP of its own files only, and sends / there', async () => {
    const root = await fetch(`${gateway.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await fetch(`${gateway.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self'");
    // Inline styles are for xterm.js (src/http/ui.ts); scripts never run inline.
    expect(csp.split('; ').find((directive) => directive.startsWith('script-src'))).toBe(
      "script-src 'self'",
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<style>| style=/);
    expect((await fetch(`${gateway.url}/ui/app.js`)).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/missing.js']) {
      expect((await fetch(`${gateway.url}${path}`)).status, path).toBe(404);
    }
  });

  it('is off with WHARF_UI=false', async () => {
    const off = await startGateway({ http: { ui: false } });
    try {
      expect((await fetch(`${off.url}/ui/`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
