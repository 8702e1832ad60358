import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('disk-usage');
const FILE_BYTES = 100 * 1024;

interface Figures {
  count: number;
  active: number;
  size: number;
  reclaimable: number;
}

interface Usage {
  engine: string;
  images: Figures & { images: { dockerId: string; size: number }[] };
  containers: Figures & {
    containers: {
      dockerId: string;
      state: string;
      sizeRw: number | null;
      mounts: { type: string; name: string | null }[];
    }[];
  };
  volumes: Figures & { volumes: { name: string; size: number | null }[] };
  buildCache: Figures & {
    entries: { id: string; size: number; inUse: boolean; shared: boolean }[];
  };
}

const FIGURES = 'count active size reclaimable';
const QUERY = `query($engine: String) { diskUsage(engine: $engine) {
  engine
  images { ${FIGURES} images { dockerId size } }
  containers { ${FIGURES} containers { dockerId state sizeRw mounts { type name } } }
  volumes { ${FIGURES} volumes { name size } }
  buildCache { ${FIGURES} entries { id size inUse shared } }
} }`;

/** go-units' HumanSize, as the docker CLI prints sizes: 4 significant digits, powers of 1000. */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${Number(size.toPrecision(4))}${units[unit]}`;
}

/** The CLI's RECLAIMABLE column: with its (truncated) share of the row's size when there is one. */
function reclaimableText({ size, reclaimable }: Figures, withShare = true): string {
  if (!withShare || size <= 0) return humanSize(reclaimable);
  return `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / size)}%)`;
}

/** Our figures as `docker system df --format '{{json .}}'` prints them. */
function asCliRows(usage: Usage) {
  const row = (type: string, figures: Figures, withShare = true) => ({
    Type: type,
    TotalCount: String(figures.count),
    Active: String(figures.active),
    Size: humanSize(figures.size),
    Reclaimable: reclaimableText(figures, withShare),
  });
  return [
    row('Images', usage.images),
    row('Containers', usage.containers),
    row('Local Volumes', usage.volumes),
    row('Build Cache', usage.buildCache, false),
  ];
}

async function cliRows() {
  const out = await docker('system', 'df', '--format', '{{json .}}');
  return out.split('\n').map((line) => JSON.parse(line) as Record<string, string>);
}

/**
 * Other test files change the engine meanwhile: ours and the CLI's, taken back to back, agree
 * once nothing changed between the two.
 */
async function sameAsCli<T>(
  ours: () => Promise<T>,
  theirs: () => Promise<unknown>,
  compare: (ours: T) => unknown,
): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const [a, b] = [await ours(), await theirs()];
    const [c, d] = [await theirs(), await ours()];
    if (isDeepStrictEqual(compare(a), b) || isDeepStrictEqual(compare(d), c)) return;
    last = { ours: compare(a), cli: b };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(last).toBe('ours and the CLI agree');
}

const ACTIVE = new Set(['RUNNING', 'PAUSED', 'RESTARTING']);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** What every answer must hold: each row's figures are those of the objects behind it. */
function expectConsistent(usage: Usage) {
  const { containers, volumes, images, buildCache } = usage;
  expect(containers.count).toBe(containers.containers.length);
  expect(containers.active).toBe(containers.containers.filter((c) => ACTIVE.has(c.state)).length);
  expect(containers.size).toBe(sum(containers.containers.map((c) => c.sizeRw ?? 0)));
  expect(containers.reclaimable).toBe(
    sum(containers.containers.filter((c) => !ACTIVE.has(c.state)).map((c) => c.sizeRw ?? 0)),
  );
  expect(volumes.count).toBe(volumes.volumes.length);
  expect(volumes.size).toBe(sum(volumes.volumes.map((v) => v.size ?? 0)));
  expect(volumes.reclaimable).toBeLessThanOrEqual(volumes.size);
  expect(images.count).toBe(images.images.length);
  expect(images.reclaimable).toBeLessThanOrEqual(images.size);
  expect(buildCache.count).toBe(buildCache.entries.length);
  expect(buildCache.active).toBe(buildCache.entries.filter((e) => e.inUse).length);
  expect(buildCache.size).toBe(sum(buildCache.entries.filter((e) => !e.shared).map((e) => e.size)));
}

let gateway: TestGateway;
/** Holds a 100 KiB file. */
let filled: string;
/** Empty; mounted by `holder`, which never runs. */
let held: string;
let holder: string;
/** Running, with 50 KiB written to its own layer. */
let writer: string;
/** `writer` committed: an image no container uses, 50 KiB of it its own. */
let committed: string;

beforeAll(async () => {
  gateway = await startGateway();
  filled = scope.name('filled');
  held = scope.name('held');
  await docker('volume', 'create', ...scope.labelArgs, filled);
  await docker('volume', 'create', ...scope.labelArgs, held);
  await docker(
    'run',
    '--rm',
    ...scope.labelArgs,
    '-v',
    `${filled}:/data`,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    `dd if=/dev/zero of=/data/f bs=1024 count=${FILE_BYTES / 1024}`,
  );
  holder = await docker(
    'create',
    ...scope.labelArgs,
    '--name',
    scope.name('holder'),
    '-v',
    `${held}:/data`,
    FIXTURE_IMAGE,
    'true',
  );
  const writerName = await scope.shell(
    'writer',
    'dd if=/dev/zero of=/f bs=1024 count=50; sleep 300',
  );
  writer = await docker('inspect', '--format', '{{.Id}}', writerName);
  committed = await docker('commit', '--change', `LABEL ${scope.label}`, writer);
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

describe('Query.diskUsage', () => {
  it('reports the figures `docker system df` prints', async () => {
    await sameAsCli(
      async () => (await gateway.data<{ diskUsage: Usage }>(QUERY)).diskUsage,
      cliRows,
      asCliRows,
    );
  });

  it('answers for the default engine, each figure that of the objects behind it', async () => {
    const { diskUsage } = await gateway.data<{ diskUsage: Usage }>(QUERY);
    expect(diskUsage.engine).toBe('local');
    expectConsistent(diskUsage);
    expect(
      (await gateway.data<{ diskUsage: Usage }>(QUERY, { engine: 'local' })).diskUsage.engine,
    ).toBe('local');
  });

  it('lists the objects `docker system df -v` lists, with their sizes', async () => {
    type Verbose = {
      Images: { ID: string }[];
      Containers: { ID: string }[];
      Volumes: { Name: string; Size: string; Links: string }[];
    };
    await sameAsCli(
      async () => (await gateway.data<{ diskUsage: Usage }>(QUERY)).diskUsage,
      async () => {
        const verbose = JSON.parse(
          await docker('system', 'df', '-v', '--format', '{{json .}}'),
        ) as Verbose;
        return {
          images: verbose.Images.map((i) => i.ID).sort(),
          containers: verbose.Containers.map((c) => c.ID).sort(),
          volumes: verbose.Volumes.map((v) => [v.Name, v.Size]).sort(),
        };
      },
      (usage) => ({
        images: usage.images.images.map((i) => i.dockerId).sort(),
        containers: usage.containers.containers.map((c) => c.dockerId).sort(),
        volumes: usage.volumes.volumes
          .map((v) => [v.name, v.size === null ? 'N/A' : humanSize(v.size)])
          .sort(),
      }),
    );
  });

  it("counts our volumes and containers as they are: sizes, use and what's reclaimable", async () => {
    const { diskUsage } = await gateway.data<{ diskUsage: Usage }>(QUERY);
    const volume = (name: string) => diskUsage.volumes.volumes.find((v) => v.name === name);
    expect(volume(filled)?.size).toBeGreaterThanOrEqual(FILE_BYTES);
    expect(volume(filled)?.size).toBeLessThan(FILE_BYTES + 64 * 1024);
    expect(volume(held)?.size).toBe(0);
    const container = (id: string) =>
      diskUsage.containers.containers.find((c) => c.dockerId === id);
    expect(container(holder)).toMatchObject({
      state: 'CREATED',
      mounts: [{ type: 'VOLUME', name: held }],
    });
    expect(container(writer)?.state).toBe('RUNNING');
    expect(container(writer)?.sizeRw).toBeGreaterThanOrEqual(50 * 1024);
    expect(diskUsage.images.images.map((i) => i.dockerId)).toContain(committed);
    // Nothing uses the committed image: its own layer is reclaimable.
    expect(diskUsage.images.reclaimable).toBeGreaterThanOrEqual(50 * 1024);
    // The CLI's view of the same volumes: `filled` unused (reclaimable), `held` linked.
    const verbose = JSON.parse(await docker('system', 'df', '-v', '--format', '{{json .}}')) as {
      Volumes: { Name: string; Size: string; Links: string }[];
    };
    const cli = new Map(verbose.Volumes.map((v) => [v.Name, v]));
    expect(cli.get(filled)).toMatchObject({
      Links: '0',
      Size: humanSize(volume(filled)?.size ?? -1),
    });
    expect(cli.get(held)?.Links).toBe('1');
  });

  it('costs one /system/df, sizes of every object included', async () => {
    const { calls } = await gateway.countCalls(() =>
      gateway.data(`{ diskUsage {
        images { size images { dockerId tags size } }
        containers { size containers { name state sizeRw sizeRootFs } }
        volumes { size volumes { name size driver } }
        buildCache { size }
      } }`),
    );
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      expect.stringMatching(/^GET \/v1\.\d+\/system\/df$/),
    ]);
  });

  it('refuses an engine that is not configured', async () => {
    const result = await gateway.query(QUERY, { engine: 'nowhere' });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Query.diskUsage for a label-scoped token', () => {
  let tenant: TestGateway;

  beforeAll(async () => {
    tenant = await startGateway({
      principal: { kind: 'token', name: 'tenant', role: 'viewer', labels: [scope.label] },
    });
  });

  afterAll(async () => {
    await tenant?.stop();
  });

  it("counts only the token's objects, in use only by its containers, and no build cache", async () => {
    const { diskUsage } = await tenant.data<{ diskUsage: Usage }>(QUERY);
    expectConsistent(diskUsage);
    // Every other test's objects carry another value of TEST_LABEL: none of them is counted.
    const ours = new Set([holder, writer]);
    const others = diskUsage.containers.containers.filter((c) => !ours.has(c.dockerId));
    const labelled = await docker('ps', '-aq', '--no-trunc', '--filter', `label=${TEST_LABEL}`);
    for (const other of others) expect(labelled.split('\n')).not.toContain(other.dockerId);
    expect(diskUsage.containers.containers.map((c) => c.dockerId)).toEqual(
      expect.arrayContaining([holder, writer]),
    );
    const names = diskUsage.volumes.volumes.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining([filled, held]));
    // In use: mounted by one of its containers; the rest of the sized bytes are reclaimable.
    const mounted = new Set(
      diskUsage.containers.containers.flatMap((c) => c.mounts.map((m) => m.name)),
    );
    expect(mounted.has(held)).toBe(true);
    expect(mounted.has(filled)).toBe(false);
    expect(diskUsage.volumes.active).toBe(names.filter((name) => mounted.has(name)).length);
    expect(diskUsage.volumes.reclaimable).toBe(
      sum(diskUsage.volumes.volumes.filter((v) => !mounted.has(v.name)).map((v) => v.size ?? 0)),
    );
    expect(diskUsage.volumes.reclaimable).toBeGreaterThanOrEqual(FILE_BYTES);
    // Its committed image is unused: its own 50 KiB (not the fixture layers it shares) reclaimable.
    expect(diskUsage.images.images.map((i) => i.dockerId)).toContain(committed);
    expect(diskUsage.images.reclaimable).toBeGreaterThanOrEqual(50 * 1024);
    expect(diskUsage.images.reclaimable).toBeLessThan(50 * 1024 + 16 * 1024);
    expect(diskUsage.buildCache).toMatchObject({ count: 0, size: 0, reclaimable: 0, entries: [] });
  });
});
