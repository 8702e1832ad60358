/**
 * A private dockerd beside the host engine, for tests that kill, restart or otherwise abuse an
 * engine. It runs in its own network namespace (so its docker0, iptables rules and published
 * ports never touch the host's), with its own data root, exec root, pidfile, config file, socket
 * and supervised containerd. Everything lives under /tmp/wharf-engines/<id> and /tmp/wx-<id>.
 *
 * Needs root, `ip` (iproute2), `nsenter` (util-linux) and `dockerd`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURE_IMAGE } from './docker.ts';
import { onPath, watchExit } from './processes.ts';

const run = promisify(execFile);

/** Data roots, sockets, pidfiles and logs: /tmp/wharf-engines/<id>/. */
export const ENGINES_DIR = '/tmp/wharf-engines';
/** Exec roots live at /tmp/wx-<id>: short, because unix socket paths are limited to 107 bytes. */
const EXEC_ROOT_PREFIX = '/tmp/wx-';
const NETNS_PREFIX = 'wharf-';
/** Every wait in this file is bounded by this unless said otherwise. */
const WAIT_MS = 30_000;

export interface PrivateEngine {
  /** Path of the engine's API socket. */
  socketPath: string;
  /** `unix://<socketPath>`, for DOCKER_HOST. */
  dockerHost: string;
  /** The network namespace dockerd runs in (`ip netns exec <netns> …` reaches its ports). */
  netns: string;
  dataRoot: string;
  execRoot: string;
  /** dockerd's (and its containerd's) stdout and stderr, across restarts. */
  logPath: string;
  /** The docker CLI against this engine; resolves to trimmed stdout. */
  docker(...args: string[]): Promise<string>;
  /** SIGKILLs dockerd (its containerd dies with it; shims and containers live on) and waits until
   * the socket stops answering. */
  kill(): Promise<void>;
  /** Starts dockerd again with the same roots and waits until /_ping answers. Running containers
   * left by kill() are stopped by dockerd on restore (SIGTERM, then SIGKILL after their stop
   * timeout: 10 s for a busybox `sleep`). */
  restart(): Promise<void>;
  /** Removes the containers, SIGTERMs dockerd, then kills whatever is left and removes the netns,
   * mounts, roots and socket. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A veth pair between the host's network namespace and the engine's: `engine` is the engine's
 * side, the address a tcp listener there (`-H tcp://<engine>:PORT`) is reached at from the host.
 */
export interface HostLink {
  host: string;
  engine: string;
}

export interface PrivateEngineOptions {
  /** Connect the engine's namespace to the host's (pickHostLink() chooses the addresses). */
  link?: HostLink;
  /** More dockerd arguments (TLS, another -H), kept across restart(). */
  dockerdArgs?: readonly string[];
}

/** A /30 of its own in 10.213.0.0/16 for one engine's link, picked at random. */
export function pickHostLink(): HostLink {
  const [a = 0, b = 0] = randomBytes(2);
  const at = (offset: number) => `10.213.${a}.${(b & 0xfc) + offset}`;
  return { host: at(1), engine: at(2) };
}

interface EnginePaths {
  id: string;
  dir: string;
  dataRoot: string;
  execRoot: string;
  socketPath: string;
  pidFile: string;
  logPath: string;
  configFile: string;
  ownerFile: string;
  /** Also the containerd namespace prefix, so processes can be recognised by their arguments. */
  tag: string;
}

function enginePaths(id: string): EnginePaths {
  const dir = join(ENGINES_DIR, id);
  return {
    id,
    dir,
    dataRoot: join(dir, 'data'),
    execRoot: `${EXEC_ROOT_PREFIX}${id}`,
    socketPath: join(dir, 'docker.sock'),
    pidFile: join(dir, 'docker.pid'),
    logPath: join(dir, 'dockerd.log'),
    configFile: join(dir, 'daemon.json'),
    ownerFile: join(dir, 'owner.json'),
    tag: `wharf-${id}`,
  };
}

export async function startPrivateEngine(
  name: string,
  options: PrivateEngineOptions = {},
): Promise<PrivateEngine> {
  await preflight();
  const id = randomBytes(3).toString('hex');
  const paths = enginePaths(id);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  const netns = `${NETNS_PREFIX}${slug || 'engine'}-${id}`;

  // Whose engine this is, so cleanupStalePrivateEngines() leaves a concurrent run's engines alone;
  // written before anything else of the engine exists.
  await mkdir(paths.dir, { recursive: true });
  await writeFile(
    paths.ownerFile,
    `${JSON.stringify({ pid: process.pid, start: await processStart(process.pid), netns })}\n`,
  );
  await mkdir(paths.dataRoot, { recursive: true });
  await mkdir(paths.execRoot, { recursive: true });
  // An empty-ish config file of our own: the host's /etc/docker/daemon.json (hosts, data-root, …)
  // must not apply, and the engine gets its own key (so its own engine ID) instead of
  // /etc/docker/key.json.
  await writeFile(
    paths.configFile,
    `${JSON.stringify({ 'deprecated-key-path': join(paths.dir, 'key.json') })}\n`,
  );

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitInfo: () => string | undefined = () => undefined;

  const fail = async (what: string, cause?: unknown): Promise<Error> => {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new Error(
      `private engine ${netns}: ${what}${detail}\n--- tail of ${paths.logPath} ---\n${await logTail(paths.logPath)}`,
    );
  };

  const spawnDockerd = async () => {
    await removeDeadPidFile(paths.pidFile);
    await removeDeadPidFile(join(paths.execRoot, 'containerd', 'containerd.pid'));
    const log = openSync(paths.logPath, 'a');
    try {
      // nsenter (not `ip netns exec`, which remounts /sys and hides the cgroup mounts) execs
      // dockerd in place, so the child's pid is dockerd's.
      child = spawn(
        'nsenter',
        [
          `--net=/var/run/netns/${netns}`,
          'dockerd',
          '--data-root',
          paths.dataRoot,
          '--exec-root',
          paths.execRoot,
          '-H',
          `unix://${paths.socketPath}`,
          '--pidfile',
          paths.pidFile,
          '--config-file',
          paths.configFile,
          '--containerd-namespace',
          paths.tag,
          '--containerd-plugins-namespace',
          `${paths.tag}-plugins`,
          ...(options.dockerdArgs ?? []),
        ],
        { stdio: ['ignore', log, log] },
      );
    } finally {
      closeSync(log);
    }
    const current = child;
    const watch = watchExit(current);
    exitInfo = watch.info;
    exited = watch.exited.then(() => {
      if (child === current) child = undefined;
    });
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (child !== current) throw await fail(`dockerd exited during startup (${exitInfo()})`);
      if (await ping(paths.socketPath)) return;
      if (Date.now() > deadline) {
        throw await fail(`/_ping did not answer within ${WAIT_MS / 1000} s`);
      }
      await sleep(200);
    }
  };

  const docker = async (...args: string[]): Promise<string> => {
    const env = cliEnv(`unix://${paths.socketPath}`);
    const { stdout } = await run('docker', args, { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  };

  const killDockerd = async (signal: NodeJS.Signals, ms: number): Promise<boolean> => {
    const current = child;
    if (!current) return true;
    current.kill(signal);
    return Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  };

  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopped = true;
    stopping ??= (async () => {
      if (child && (await ping(paths.socketPath))) {
        // Removing the containers first spares dockerd's shutdown their stop timeouts.
        try {
          const ids = await withTimeout(docker('ps', '-aq'), 10_000);
          if (ids) await withTimeout(docker('rm', '-f', '-v', ...ids.split('\n')), 20_000);
        } catch {
          // The sweep below kills whatever is left.
        }
      }
      if (!(await killDockerd('SIGTERM', WAIT_MS))) await killDockerd('SIGKILL', WAIT_MS);
      if (child) throw await fail(`dockerd (pid ${child.pid}) survived SIGKILL`);
      await sweep(paths, netns);
    })().catch((error) => {
      stopping = undefined; // a later stop() tries again
      throw error;
    });
    return stopping;
  };

  try {
    await run('ip', ['netns', 'add', netns]);
    await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    if (options.link) await linkToHost(netns, id, options.link);
    await spawnDockerd();
    await loadFixture(`unix://${paths.socketPath}`);
  } catch (error) {
    const wrapped = error instanceof Error && error.message.startsWith('private engine');
    const thrown = wrapped ? error : await fail('start failed', error);
    await stop().catch(() => undefined);
    throw thrown;
  }

  return {
    socketPath: paths.socketPath,
    dockerHost: `unix://${paths.socketPath}`,
    netns,
    dataRoot: paths.dataRoot,
    execRoot: paths.execRoot,
    logPath: paths.logPath,
    docker,
    async kill() {
      if (stopped) throw new Error(`private engine ${netns}: kill() after stop()`);
      const containerdPid = await readPid(join(paths.execRoot, 'containerd', 'containerd.pid'));
      if (!(await killDockerd('SIGKILL', WAIT_MS))) {
        throw await fail(`dockerd did not exit within ${WAIT_MS / 1000} s of SIGKILL`);
      }
      await until(`${paths.socketPath} to stop answering`, WAIT_MS, async () =>
        (await ping(paths.socketPath)) ? undefined : true,
      ).catch(async (error) => {
        throw await fail('socket still answers after SIGKILL', error);
      });
      // Its containerd dies with it (dockerd starts it with a parent-death signal); wait for
      // that so restart() starts a fresh one instead of finding a dying one.
      if (containerdPid) {
        await until(`containerd (pid ${containerdPid}) to exit`, WAIT_MS, async () =>
          (await isAlive(containerdPid)) ? undefined : true,
        ).catch(async (error) => {
          throw await fail('containerd outlived dockerd', error);
        });
      }
    },
    async restart() {
      if (stopped) throw new Error(`private engine ${netns}: restart() after stop()`);
      if (child) throw new Error(`private engine ${netns}: restart() while dockerd is running`);
      await spawnDockerd();
    },
    stop,
  };
}

/**
 * Removes what killed or crashed test runs left behind: dockerds whose --pidfile is under
 * /tmp/wharf-engines, their containerds, shims and containers, network namespaces named wharf-*,
 * mounts, exec roots and data roots. Engines whose owning process is still alive (a concurrent
 * run) are left alone.
 */
export async function cleanupStalePrivateEngines(): Promise<void> {
  const ids = new Set<string>();
  const netnsById = new Map<string, string>();
  const orphanNetns: string[] = [];

  for (const entry of await readdir(ENGINES_DIR).catch(() => [] as string[])) ids.add(entry);
  for (const entry of await readdir('/tmp').catch(() => [] as string[])) {
    if (entry.startsWith('wx-')) ids.add(entry.slice(3));
  }
  for (const proc of await processes()) {
    for (const arg of proc.argv) {
      const match = /^\/tmp\/wharf-engines\/([^/]+)\/docker\.pid$/.exec(arg);
      if (match?.[1] && proc.argv.some((a) => a === '--pidfile' || a.startsWith('--pidfile='))) {
        ids.add(match[1]);
      }
    }
  }
  for (const netns of await listNetns()) {
    if (!netns.startsWith(NETNS_PREFIX)) continue;
    const id = /-([0-9a-f]{6})$/.exec(netns)?.[1];
    if (id) {
      ids.add(id);
      netnsById.set(id, netns);
    } else {
      orphanNetns.push(netns);
    }
  }

  const failures: string[] = [];
  for (const id of ids) {
    if (!/^[0-9a-z]+$/.test(id)) continue;
    const paths = enginePaths(id);
    const owner = await readOwner(paths.ownerFile);
    if (owner && (await isAlive(owner.pid)) && (await processStart(owner.pid)) === owner.start) {
      continue;
    }
    if (!owner) {
      // Another process may be between creating the directory and writing owner.json.
      const created = await stat(paths.dir).then(
        (info) => info.mtimeMs,
        () => 0,
      );
      if (Date.now() - created < 60_000) continue;
    }
    try {
      const dockerds = (await processes()).filter(
        (p) => isDockerd(p.argv) && p.argv.includes(paths.pidFile),
      );
      // Nobody needs a graceful shutdown here, and SIGTERM would wait out container stop
      // timeouts; the sweep kills what dockerd leaves.
      await terminate(
        dockerds.map((p) => p.pid),
        WAIT_MS,
        'SIGKILL',
      );
      await sweep(paths, owner?.netns ?? netnsById.get(id));
    } catch (error) {
      failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const netns of orphanNetns) await deleteNetns(netns);
  if (failures.length > 0) {
    throw new Error(`could not clean up stale private engines:\n${failures.join('\n')}`);
  }
}

// --- teardown ---------------------------------------------------------------------------------

/**
 * Everything of one engine except a still running dockerd: container processes, shims,
 * containerd, cgroups, mounts, the netns, the roots. Refuses to delete the roots while anything is
 * still mounted under them (a bind mount would let rm reach outside).
 */
async function sweep(paths: EnginePaths, netns: string | undefined): Promise<void> {
  const containerIds = (
    await readdir(join(paths.dataRoot, 'containers')).catch(() => [] as string[])
  ).filter((entry) => /^[0-9a-f]{64}$/.test(entry));

  const procs = await processes();
  const ours = (argv: string[]) =>
    argv.some(
      (arg) =>
        arg.startsWith(`${paths.execRoot}/`) ||
        arg.startsWith(`${paths.dir}/`) ||
        arg === paths.tag ||
        arg === `${paths.tag}-plugins`,
    );
  const engineProcs = procs.filter((p) => ours(p.argv) && !isDockerd(p.argv));
  const containerPids: number[] = [];
  if (containerIds.length > 0) {
    for (const proc of procs) {
      const cgroup = await readFile(`/proc/${proc.pid}/cgroup`, 'utf8').catch(() => '');
      if (containerIds.some((id) => cgroup.includes(id))) containerPids.push(proc.pid);
    }
  }
  // Container processes first, then shims and containerd; all by SIGKILL: dockerd is gone.
  await terminate(containerPids, 10_000, 'SIGKILL');
  await terminate(
    engineProcs.map((p) => p.pid),
    10_000,
    'SIGKILL',
  );
  // A killed runc-v2 shim leaves its socket in /run/containerd/s/<sha256(address/ns/id)>.
  for (const proc of engineProcs) {
    const address = argValue(proc.argv, '-address');
    const namespace = argValue(proc.argv, '-namespace');
    const id = argValue(proc.argv, '-id');
    if (address && namespace && id) {
      const digest = createHash('sha256')
        .update(join(address, namespace, id))
        .digest('hex');
      await rm(join('/run/containerd/s', digest), { force: true });
    }
  }
  // Cgroups of containers whose processes were killed rather than stopped by runc.
  for (const id of containerIds) {
    for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
      for (const dir of [
        join('/sys/fs/cgroup', controller, 'docker', id),
        join('/sys/fs/cgroup', controller, 'system.slice', `docker-${id}.scope`),
      ]) {
        await rmdir(dir).catch(() => undefined);
      }
    }
    await rmdir(join('/sys/fs/cgroup', 'docker', id)).catch(() => undefined);
  }

  const roots = [paths.dir, paths.execRoot];
  for (let pass = 0; pass < 5; pass++) {
    const mounts = await mountsUnder(roots);
    if (mounts.length === 0) break;
    for (const mount of mounts) {
      await run('umount', [mount]).catch(() => run('umount', ['-l', mount]).catch(() => undefined));
    }
  }
  const left = await mountsUnder(roots);
  if (left.length > 0) {
    throw new Error(
      `mounts left under ${roots.join(' and ')}, not removing them:\n${left.join('\n')}`,
    );
  }
  if (netns) await deleteNetns(netns);
  await rm(paths.dir, { recursive: true, force: true });
  await rm(paths.execRoot, { recursive: true, force: true });
}

/** The host's end stays in the host namespace; deleting the netns deletes the pair. */
async function linkToHost(netns: string, id: string, link: HostLink): Promise<void> {
  const hostSide = `wh-${id}`;
  await run('ip', [
    'link',
    'add',
    hostSide,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    netns,
  ]);
  await run('ip', ['addr', 'add', `${link.host}/30`, 'dev', hostSide]);
  await run('ip', ['link', 'set', hostSide, 'up']);
  await run('ip', ['-n', netns, 'addr', 'add', `${link.engine}/30`, 'dev', 'eth0']);
  await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
}

async function deleteNetns(netns: string): Promise<void> {
  if (!(await listNetns()).includes(netns)) return;
  await run('ip', ['netns', 'delete', netns]);
}

async function listNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Mount points at or under any of `roots`, deepest first. */
async function mountsUnder(roots: string[]): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (!field) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(Number.parseInt(octal, 8)),
    );
    if (roots.some((root) => point === root || point.startsWith(`${root}/`))) points.add(point);
  }
  return [...points].sort((a, b) => b.length - a.length);
}

// --- processes --------------------------------------------------------------------------------

interface Proc {
  pid: number;
  argv: string[];
}

async function processes(): Promise<Proc[]> {
  const procs: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline) continue; // kernel threads and zombies
    procs.push({ pid, argv: cmdline.replace(/\0$/, '').split('\0') });
  }
  return procs;
}

function isDockerd(argv: string[]): boolean {
  return /(^|\/)dockerd$/.test(argv[0] ?? '');
}

function argValue(argv: string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** Alive and not a zombie. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return false;
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The process's start time in clock ticks since boot: with the pid, it names one process. */
async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Signals `pids` (SIGTERM, then SIGKILL after `ms`) and waits until they are gone. */
async function terminate(pids: number[], ms: number, first: NodeJS.Signals = 'SIGTERM') {
  if (pids.length === 0) return;
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  const allGone = async () => {
    for (const pid of pids) if (await isAlive(pid)) return undefined;
    return true;
  };
  signalAll(first);
  try {
    await until(`pids ${pids.join(' ')} to exit`, ms, allGone);
  } catch {
    if (first === 'SIGKILL') throw new Error(`pids ${pids.join(' ')} survived SIGKILL`);
    signalAll('SIGKILL');
    await until(`pids ${pids.join(' ')} to exit after SIGKILL`, WAIT_MS, allGone);
  }
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * dockerd refuses to start while its pidfile names a live process, and reuses "its" containerd
 * when containerd.pid names a live one. A zombie counts as live for both, so remove files naming
 * dead or zombie processes.
 */
async function removeDeadPidFile(file: string): Promise<void> {
  const pid = await readPid(file);
  if (pid !== undefined && !(await isAlive(pid))) await rm(file, { force: true });
}

async function readOwner(
  file: string,
): Promise<{ pid: number; start: string | undefined; netns: string | undefined } | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as {
      pid?: unknown;
      start?: unknown;
      netns?: unknown;
    };
    if (typeof owner.pid !== 'number') return undefined;
    return {
      pid: owner.pid,
      start: typeof owner.start === 'string' ? owner.start : undefined,
      netns: typeof owner.netns === 'string' ? owner.netns : undefined,
    };
  } catch {
    return undefined;
  }
}

// --- misc -------------------------------------------------------------------------------------

async function preflight(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('private engines need root');
  const missing: string[] = [];
  for (const [command, pkg] of [
    ['ip', 'iproute2'],
    ['nsenter', 'util-linux'],
    ['dockerd', 'docker.io'],
    ['docker', 'docker.io'],
  ] as const) {
    if (!(await onPath(command))) missing.push(`${command} (apt-get install ${pkg})`);
  }
  if (missing.length > 0) {
    throw new Error(`private engines need commands that are not on PATH: ${missing.join(', ')}`);
  }
}

/** The environment for a docker CLI against `dockerHost`, whatever context is selected. */
function cliEnv(dockerHost: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost };
  delete env.DOCKER_CONTEXT;
  return env;
}

/** `docker save FIXTURE` from the host engine piped into `docker load` on the private one. */
async function loadFixture(dockerHost: string): Promise<void> {
  const env = cliEnv(dockerHost);
  const save = spawn('docker', ['save', FIXTURE_IMAGE], { stdio: ['ignore', 'pipe', 'pipe'] });
  const load = spawn('docker', ['load'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  save.stdout.pipe(load.stdin);
  const finished = (child: ChildProcess, what: string) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${what} failed (${code}): ${stderr.trim()}`)),
      );
    });
  };
  await withTimeout(
    Promise.all([finished(save, `docker save ${FIXTURE_IMAGE}`), finished(load, 'docker load')]),
    WAIT_MS,
  ).catch((error) => {
    save.kill('SIGKILL');
    load.kill('SIGKILL');
    throw error;
  });
}

/** GET /_ping on a unix socket: true only for 200 OK. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

async function logTail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
    .join('\n');
}

async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
