import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Whether `command` is an executable on PATH (missing tools fail a test with a clear message). */
export async function onPath(command: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

/** How a background process ended, once it has: for error messages of the helpers that run it. */
export function watchExit(child: ChildProcess): {
  exited: Promise<void>;
  info(): string | undefined;
} {
  let info: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      info = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      info = `spawn failed: ${error.message}`;
      resolve();
    });
  });
  return { exited, info: () => info };
}

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;

/**
 * `wharf serve` on a free loopback port (unless `env` says otherwise), every stderr line parsed as
 * it comes. `url` resolves once it listens and rejects if it exits first (a refusal never listens).
 */
export function startCli(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, WHARF_LISTEN: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
      const entry = JSON.parse(text) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'wharf listening') resolve(String(entry.url));
    });
    exit.then((code) => reject(new Error(`wharf exited with ${code}`)));
  });
  url.catch(() => undefined);
  return { child, logs, url, exit };
}
