import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium: tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots of the main screens, kept as CI artifacts (gitignored). */
export const SHOTS = new URL('../../artifacts/screenshots/', import.meta.url).pathname;

export interface TestBrowser {
  context: BrowserContext;
  /** Requests to anything but the allowed origins (a CDN, say): they were aborted. */
  strayRequests: string[];
  /** Console errors and uncaught exceptions of every page (a CSP violation is one). */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile and no network but `origins`: anything else the page
 * asks for is aborted and recorded.
 */
export async function startBrowser(origins: readonly string[]): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (bash .ci/run does)`);
  }
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'wharf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const strayRequests: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (origins.some((origin) => url.startsWith(`${origin}/`))) return route.continue();
    strayRequests.push(url);
    return route.abort();
  });
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });
  return {
    context,
    strayRequests,
    pageErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
