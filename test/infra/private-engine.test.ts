import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE } from '../helpers/docker.ts';
import {
  cleanupStalePrivateEngines,
  type PrivateEngine,
  startPrivateEngine,
} from '../helpers/private-engine.ts';

const run = promisify(execFile);

/** What the private engine must not change on the host: its default networks and docker0. */
async function hostNetworking() {
  const networks = await docker(
    'network',
    'inspect',
    'bridge',
    'host',
    'none',
    '--format',
    '{{.Name}} {{.Id}} {{range .IPAM.Config}}{{.Subnet}}{{end}}',
  );
  const link = (await run('ip', ['-o', 'link', 'show', 'docker0'])).stdout;
  const mac = /link\/ether (\S+)/.exec(link)?.[1];
  const addr = (await run('ip', ['-o', '-4', 'addr', 'show', 'docker0'])).stdout;
  const inet = /inet (\S+)/.exec(addr)?.[1];
  return { networks, docker0: `${mac} ${inet}` };
}

/** Ids of every network the host engine has. */
async function hostNetworkIds() {
  return (await docker('network', 'ls', '-q', '--no-trunc')).split('\n');
}

function ping(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

/** Processes, mounts and netns that still mention the engine's paths or name. */
async function leftovers(engine: PrivateEngine) {
  const id = engine.execRoot.slice('/tmp/wx-'.length);
  const marks = [engine.execRoot, engine.dataRoot, engine.socketPath, `wharf-${id}`];
  const processes: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (marks.some((mark) => cmdline.includes(mark))) {
      processes.push(`${entry} ${cmdline.replaceAll('\0', ' ')}`);
    }
  }
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const mounts = mountinfo
    .split('\n')
    .filter((line) => line.includes(`/wharf-engines/${id}`) || line.includes(engine.execRoot));
  const netns = (await run('ip', ['netns', 'list'])).stdout
    .split('\n')
    .filter((line) => line.startsWith(`${engine.netns} `) || line === engine.netns);
  const paths = [engine.execRoot, engine.dataRoot, engine.socketPath, engine.logPath].filter(
    (path) => existsSync(path),
  );
  return { processes, mounts, netns, paths };
}

const nothing = { processes: [], mounts: [], netns: [], paths: [] };

describe('private engine', () => {
  let engine: PrivateEngine;
  let hostBefore: Awaited<ReturnType<typeof hostNetworking>>;
  let privateNetworkIds: string[];

  beforeAll(async () => {
    hostBefore = await hostNetworking();
    engine = await startPrivateEngine('infra');
    privateNetworkIds = (await engine.docker('network', 'ls', '-q', '--no-trunc')).split('\n');
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('is a separate engine in its own netns, with the fixture image loaded', async () => {
    const hostIds = await hostNetworkIds();
    expect(engine.dockerHost).toBe(`unix://${engine.socketPath}`);
    expect(engine.netns).toMatch(/^wharf-infra-[0-9a-f]{6}$/);
    expect(await ping(engine.socketPath)).toBe('200 OK');
    expect(await engine.docker('info', '--format', '{{.DockerRootDir}}')).toBe(engine.dataRoot);
    expect(await engine.docker('info', '--format', '{{.ID}}')).not.toBe(
      await docker('info', '--format', '{{.ID}}'),
    );
    expect(await engine.docker('images', '--format', '{{.Repository}}:{{.Tag}}')).toBe(
      FIXTURE_IMAGE,
    );
    // Its docker0 is inside the netns, not on the host.
    const { stdout } = await run('ip', ['-n', engine.netns, '-o', 'link', 'show', 'docker0']);
    expect(stdout).toContain('docker0');
    expect(privateNetworkIds).toHaveLength(3);
    expect(privateNetworkIds.filter((id) => hostIds.includes(id))).toEqual([]);
  });

  it('runs a container', async () => {
    expect(await engine.docker('run', '--rm', FIXTURE_IMAGE, 'echo', 'ok')).toBe('ok');
    // Not on the host engine.
    const id = await engine.docker('run', '-d', FIXTURE_IMAGE, 'true');
    await expect(docker('inspect', id)).rejects.toThrow(/No such object/);
    await engine.docker('rm', '-f', id);
  });

  it('kill() makes /_ping fail', async () => {
    const started = Date.now();
    await engine.kill();
    const took = Date.now() - started;
    await expect(ping(engine.socketPath)).rejects.toThrow();
    await expect(engine.docker('version', '--format', '{{.Server.Version}}')).rejects.toThrow(
      /Cannot connect to the Docker daemon/,
    );
    expect(took).toBeLessThan(10_000);
  });

  it('restart() brings it back with the fixture image still there', async () => {
    await engine.restart();
    expect(await ping(engine.socketPath)).toBe('200 OK');
    expect(await engine.docker('images', '--format', '{{.Repository}}:{{.Tag}}')).toBe(
      FIXTURE_IMAGE,
    );
    expect(await engine.docker('run', '--rm', FIXTURE_IMAGE, 'echo', 'back')).toBe('back');
    await expect(engine.restart()).rejects.toThrow(/while dockerd is running/);
  });

  it('stop() leaves nothing behind and the host networks unchanged; stop() again is a no-op', async () => {
    await engine.docker('run', '-d', FIXTURE_IMAGE, 'sleep', '1000');
    await engine.stop();
    expect(await leftovers(engine)).toEqual(nothing);
    await engine.stop();
    await expect(engine.kill()).rejects.toThrow(/after stop/);
    await expect(engine.restart()).rejects.toThrow(/after stop/);
    expect(await hostNetworking()).toEqual(hostBefore);
    // Other test files create and remove networks on the host concurrently, so compare the
    // default networks and docker0 (above) and check that none of the private ones leaked.
    const hostIds = await hostNetworkIds();
    expect(privateNetworkIds.filter((id) => hostIds.includes(id))).toEqual([]);
  });
});

describe('private engine stopped while killed', () => {
  it('stop() after kill() removes the orphaned shims and containers', async () => {
    const engine = await startPrivateEngine('killed');
    try {
      const id = await engine.docker('run', '-d', FIXTURE_IMAGE, 'sleep', '1000');
      const pid = Number(await engine.docker('inspect', '--format', '{{.State.Pid}}', id));
      expect(pid).toBeGreaterThan(0);
      await engine.kill();
      // A crash leaves the container running under its shim.
      expect(existsSync(`/proc/${pid}`)).toBe(true);
      await engine.stop();
      expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(await leftovers(engine)).toEqual(nothing);
    } finally {
      await engine.stop();
    }
  });
});

describe('cleanupStalePrivateEngines()', () => {
  it('removes the engine of a killed test process, containers and all', async () => {
    // A separate node process starts an engine with a running container, then dies by SIGKILL.
    const helper = new URL('../helpers/private-engine.ts', import.meta.url).pathname;
    const script = `
      const { startPrivateEngine } = await import(${JSON.stringify(helper)});
      const engine = await startPrivateEngine('stale');
      await engine.docker('run', '-d', ${JSON.stringify(FIXTURE_IMAGE)}, 'sleep', '1000');
      console.log(JSON.stringify(engine));
      process.kill(process.pid, 'SIGKILL');
    `;
    const out = await run(process.execPath, ['--input-type=module', '-e', script]).then(
      () => {
        throw new Error('the engine process should have died by SIGKILL');
      },
      (error: { signal?: string; stdout?: string }) => {
        expect(error.signal).toBe('SIGKILL');
        return error.stdout ?? '';
      },
    );
    const engine = JSON.parse(out) as PrivateEngine;
    expect((await leftovers(engine)).processes.join('\n')).toContain('dockerd');

    await cleanupStalePrivateEngines();
    expect(await leftovers(engine)).toEqual(nothing);
  });
});
