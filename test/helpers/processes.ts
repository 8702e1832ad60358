import type { ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

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
