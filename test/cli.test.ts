import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually } from './helpers/docker.ts';
import { startCli } from './helpers/processes.ts';

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
    const [listen, host, unknown] = await Promise.all([
      failure(['serve', '--listen', 'nowhere']),
      failure(['serve'], { DOCKER_HOST: 'npipe:////./pipe/somewhere' }),
      failure(['frobnicate']),
    ]);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toContain('is not HOST:PORT');
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('DOCKER_HOST npipe:////./pipe/somewhere is not supported');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
  });

  it('serves /graphql, /healthz, /readyz and GraphiQL, logs JSON, and stops on SIGTERM', async () => {
    const { child, logs, url } = await serveWith({});
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

  it('refuses to listen beyond loopback unless WHARF_AUTH=none, with exit code 2', async () => {
    // The other variables' checks are unit-tested in test/http/http-config.test.ts.
    const [flag, variable] = await Promise.all([
      failure(['serve', '--listen', '0.0.0.0:0']),
      failure(['serve'], { WHARF_LISTEN: '[::]:0' }),
    ]);
    for (const refused of [flag, variable]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refusing to listen on .*set WHARF_AUTH=none/s);
    }
  });

  it('listens on every interface with WHARF_AUTH=none, and warns loudly', async () => {
    const { logs, url } = await serveWith({ WHARF_LISTEN: '0.0.0.0:0', WHARF_AUTH: 'none' });
    await eventually('the warning', async () =>
      logs.some((e) => e.level === 'warn' && String(e.msg).includes('NO AUTHENTICATION'))
        ? true
        : undefined,
    );
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/graphql$/);
    // Inside a container published on 127.0.0.1, clients still send a loopback Host.
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  describe('--version and check-config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-check-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, content: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    };
    const token = (name: string, role: string) => ({
      name,
      role,
      token: `${name}-0123456789abcdef`,
    });
    // A socket nothing listens on: check-config must not need (or touch) an engine.
    const nowhere = `unix:///tmp/wharf-check-config-no-engine-${process.pid}.sock`;
    const good = () => ({
      WHARF_ENGINES_FILE: file('engines.json', [
        { name: 'local', host: nowhere },
        { name: 'other', host: nowhere, default: true },
      ]),
      WHARF_TOKENS_FILE: file('tokens.json', [
        token('dash', 'viewer'),
        { ...token('ci', 'operator'), engines: ['other'] },
      ]),
      WHARF_BIND_ALLOW: '/srv/data',
      WHARF_REGISTRY_ALLOW: 'docker.io,Registry.Local:5000',
      WHARF_LOG_DRIVER_ALLOW: 'json-file,syslog',
      WHARF_REGISTRY_AUTH_FILE: file('registry-auth.json', {
        auths: { 'https://index.docker.io/v1/': { auth: 'dTpw' }, 'registry.local:5000': {} },
        credHelpers: { 'ghcr.io': 'gh' },
      }),
      DOCKER_CONFIG: '/nonexistent-docker-config',
    });

    it('prints the version in package.json', async () => {
      const { version } = JSON.parse(
        readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      const { stdout } = await wharf(['--version']);
      expect(stdout).toBe(`wharf ${version}\n`);
    });

    it('check-config answers ok with a summary, without an engine', async () => {
      const env = good();
      const { stdout } = await wharf(['check-config'], env);
      expect(stdout.split('\n')[0]).toBe('ok');
      expect(stdout).toContain(`engines: local, other (default) from ${env.WHARF_ENGINES_FILE}`);
      expect(stdout).toContain(`tokens: 2 from ${env.WHARF_TOKENS_FILE}`);
      expect(stdout).toContain(
        'policy: bind allow /srv/data; registries docker.io, registry.local:5000; log drivers json-file, syslog;',
      );
      expect(stdout).toContain(
        `registry credentials: ${env.WHARF_REGISTRY_AUTH_FILE} (docker.io, registry.local:5000, ghcr.io), then /nonexistent-docker-config/config.json (absent)`,
      );
      expect(stdout).toContain('mutation rate: 300 calls of one mutation per token per 60 s');
      // Never what the file holds: `dTpw` is base64 of `u:p`.
      expect(stdout).not.toContain('dTpw');
    });

    it('check-config refuses a bad tokens file, naming the file and the entry', async () => {
      const tokens = file('bad-tokens.json', [token('dash', 'viewer'), token('ci', 'superuser')]);
      const refused = await failure(['check-config'], { ...good(), WHARF_TOKENS_FILE: tokens });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`WHARF_TOKENS_FILE ${tokens}`);
      expect(refused.stderr).toMatch(/entry 1 \\?"ci\\?": role must be one of/);
      // A token naming an engine the engines file does not have.
      const engines = file('bad-token-engine.json', [
        { ...token('ci', 'operator'), engines: ['gone'] },
      ]);
      const unknown = await failure(['check-config'], { ...good(), WHARF_TOKENS_FILE: engines });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('no engine named');
    });

    it('check-config refuses a bad engines file, naming the file and the entry', async () => {
      const engines = file('bad-engines.json', [
        { name: 'local', host: nowhere },
        { name: 'Bad Name', host: nowhere },
      ]);
      const refused = await failure(['check-config'], { ...good(), WHARF_ENGINES_FILE: engines });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`WHARF_ENGINES_FILE ${engines}`);
      expect(refused.stderr).toContain('entry 1');
      expect(refused.stderr).toContain('name must be');
      const notJson = file('not-json.json', '[{');
      const broken = await failure(['check-config'], { ...good(), WHARF_ENGINES_FILE: notJson });
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('engines file is not JSON');
    });

    it('check-config refuses a bad policy, naming the variable and the entry', async () => {
      const refused = await failure(['check-config'], {
        ...good(),
        WHARF_BIND_ALLOW: '/srv/data,relative/path',
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'WHARF_BIND_ALLOW entry \\"relative/path\\" must be an absolute path',
      );
      const root = await failure(['check-config'], { ...good(), WHARF_DENY_ROOT_USER: 'yes' });
      expect(root.code).toBe(2);
      expect(root.stderr).toContain('WHARF_DENY_ROOT_USER=yes must be true or false');
      const registry = await failure(['check-config'], {
        ...good(),
        WHARF_REGISTRY_ALLOW: 'docker.io,https://registry.local',
      });
      expect(registry.code).toBe(2);
      expect(registry.stderr).toContain(
        'WHARF_REGISTRY_ALLOW entry \\"https://registry.local\\" must be a registry host',
      );
      const auth = await failure(['check-config'], {
        ...good(),
        WHARF_REGISTRY_AUTH_FILE: file('bad-auth.json', {
          auths: { 'r.example': { auth: 'eA==' } },
        }),
      });
      expect(auth.code).toBe(2);
      expect(auth.stderr).toContain('auths[\\"r.example\\"].auth: not base64 of user:password');
      const driver = await failure(['check-config'], {
        ...good(),
        WHARF_LOG_DRIVER_ALLOW: 'json-file,json file',
      });
      expect(driver.code).toBe(2);
      expect(driver.stderr).toContain(
        'WHARF_LOG_DRIVER_ALLOW entry \\"json file\\" must be a log driver name',
      );
    });
  });

  /** `wharf serve` on a free port; resolves once it listens, with every stderr line parsed. */
  async function serveWith(env: Record<string, string>) {
    const cli = startCli(env);
    server = cli.child;
    return { child: cli.child, logs: cli.logs, url: await cli.url };
  }

  it('exits 0 on SIGTERM at once with an SSE subscription attached', async () => {
    const { child, logs, url } = await serveWith({});
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription Watch { events { __typename } }' }),
    });
    expect(response.status).toBe(200);
    const reading = response.text().catch(() => 'cut');
    await expect.poll(() => logs.some((e) => e.msg === 'subscription started')).toBe(true);

    const started = Date.now();
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await reading;
    expect(logs.find((e) => e.msg === 'operation')).toMatchObject({
      operation: 'Watch',
      type: 'subscription',
      transport: 'sse',
    });
  });

  it('says why the engine is not reachable: the errno, syscall and socket path', async () => {
    const socket = `/tmp/wharf-cli-no-engine-${process.pid}.sock`;
    const { logs } = await serveWith({ DOCKER_HOST: `unix://${socket}` });
    await expect
      .poll(() => logs.find((e) => String(e.msg).startsWith('engine not reachable')))
      .toBeTruthy();
    const line = JSON.stringify(logs.find((e) => String(e.msg).startsWith('engine not reachable')));
    expect(line).toContain('"code":"ENOENT"');
    expect(line).toContain('"syscall":"connect"');
    expect(line).toContain(socket);
  });
});
