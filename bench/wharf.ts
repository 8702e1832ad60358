import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

/** One `wharf serve` child on a free loopback port, and a keep-alive HTTP client for it. */
export async function startWharf(
  name: string,
  env: Record<string, string>,
  /** Runs it with --cpu-prof, the profile written into this directory when it stops. */
  profileDir?: string,
) {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, 'src/cli.ts', 'serve', '--listen', '127.0.0.1:0'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        WHARF_MAX_SUBSCRIPTIONS_PER_SOCKET: '1000',
        WHARF_MAX_SUBSCRIPTIONS_PER_CLIENT: '5000',
        WHARF_MAX_ENGINE_STREAMS: '4096',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === 'wharf listening' && record.url)
          resolve(record.url.replace('/graphql', ''));
      } catch {}
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  const pool = new Pool(url, { connections: 32 });
  return {
    name,
    url,
    pid: child.pid as number,
    /** One query over HTTP; returns the parsed result and its size in bytes. */
    async query<T = unknown>(query: string, variables?: Record<string, unknown>) {
      const response = await pool.request({
        method: 'POST',
        path: '/graphql',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.body.text();
      const result = JSON.parse(text) as { data?: T; errors?: { message: string }[] };
      if (result.errors?.length) throw new Error(`${name}: ${result.errors[0]?.message}`);
      return { data: result.data as T, bytes: Buffer.byteLength(text) };
    },
    /** Resident memory of the process now, in bytes. */
    rss(): number {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async stop() {
      await pool.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
export type Wharf = Awaited<ReturnType<typeof startWharf>>;

/** The bare fan-out server of bench/raw-fanout.ts, in a process of its own as Wharf is. */
export async function startRawFanout() {
  const child = spawn(process.execPath, ['bench/raw-fanout.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve((JSON.parse(line) as { url: string }).url),
    );
    child.once('exit', (code) => reject(new Error(`raw fan-out exited with ${code}`)));
  });
  return {
    name: 'raw ws fan-out',
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
