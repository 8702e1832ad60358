import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = new URL('../src/cli.ts', import.meta.url).pathname;

function wharf(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
}

async function failure(args: string[], env: Record<string, string> = {}) {
  try {
    await wharf(args, env);
  } catch (error) {
    return error as { code: number; stderr: string };
  }
  throw new Error(`wharf ${args.join(' ')} succeeded`);
}

describe('wharf CLI', () => {
  let server: ChildProcess | undefined;

  afterEach(() => {
    server?.kill('SIGKILL');
    server = undefined;
  });

  it('prints help', async () => {
    const { stdout } = await wharf(['--help']);
    expect(stdout).toContain('wharf serve [--listen HOST:PORT]');
    expect(stdout).toContain('DOCKER_HOST');
  });

  it('prints the same schema as schema/schema.graphql', async () => {
    const { stdout } = await wharf(['print-schema']);
    expect(stdout).toBe(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
  });

  it('refuses bad configuration with a clear message and exit code 2', async () => {
    const listen = await failure(['serve', '--listen', 'nowhere']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain('is not HOST:PORT');
    const host = await failure(['serve'], { DOCKER_HOST: 'ssh://somewhere' });
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('DOCKER_HOST ssh://somewhere is not supported');
    const unknown = await failure(['frobnicate']);
    expect(unknown.stderr).toContain('unknown command');
  });

  it('serves /graphql, /healthz, /readyz and GraphiQL, logs JSON, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, WHARF_LISTEN: '127.0.0.1:0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server = child;
    const logs: Record<string, unknown>[] = [];
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'wharf listening') resolve(String(entry.url));
      });
      child.once('exit', (code) => reject(new Error(`wharf exited with ${code}`)));
    });
    const base = url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('GraphiQL');
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ engine { name apiVersion } }' }),
    });
    expect(await answer.json()).toMatchObject({ data: { engine: { name: 'local' } } });

    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(
      logs.every((entry) => typeof entry.time === 'string' && typeof entry.level === 'string'),
    ).toBe(true);
    expect(logs.some((entry) => entry.msg === 'shutting down')).toBe(true);
  });
});
