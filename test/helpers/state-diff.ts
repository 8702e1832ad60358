import type { EngineApi } from '../../src/engine/api.ts';
import { inspectContainer, listContainers } from '../../src/engine/containers.ts';
import { inspectImage, listImages } from '../../src/engine/images.ts';
import { inspectNetwork, listNetworks } from '../../src/engine/networks.ts';
import { inspectVolume, listVolumes } from '../../src/engine/volumes.ts';

/**
 * "Up 3 seconds" read a moment apart may say "Up 4 seconds": the durations are the clock's, not
 * the cache's, so they are compared by shape.
 */
function normalizeStatus(status: string): string {
  return status.replace(
    /Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day|week|month|year)s?/,
    'T',
  );
}

/** Health-check logs grow on a timer, not through events: the cache does not promise them. */
function withoutHealthLog<T>(value: T): T {
  const copy = structuredClone(value) as { State?: { Health?: { Log?: unknown } } };
  if (copy.State?.Health) copy.State.Health.Log = null;
  return copy as T;
}

function compare(path: string, engine: unknown, cache: unknown, out: string[]): void {
  const a = JSON.stringify(engine);
  const b = JSON.stringify(cache);
  if (a === b) return;
  let at = 0;
  while (at < a.length && a[at] === b[at]) at += 1;
  const from = Math.max(0, at - 80);
  out.push(`${path}: engine …${a.slice(from, at + 200)} cache …${b.slice(from, at + 200)}`);
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function compareLists<T>(
  path: string,
  engine: readonly T[],
  cache: readonly T[],
  key: (item: T) => string,
  normalize: (item: T) => unknown,
  out: string[],
): void {
  const a = byKey(engine, key);
  const b = byKey(cache, key);
  for (const [id, item] of a) {
    const held = b.get(id);
    if (!held) out.push(`${path}: ${id} missing from the cache`);
    else compare(`${path}[${id}]`, normalize(item), normalize(held), out);
  }
  for (const id of b.keys()) if (!a.has(id)) out.push(`${path}: ${id} only in the cache`);
}

/**
 * Every difference between what the engine answers and what the cached API answers, for the
 * objects carrying `label` (and images tagged under `tagPrefix`): lists and each inspect.
 */
export async function stateDifferences(
  engine: EngineApi,
  cache: EngineApi,
  scope: { label: string; tagPrefix: string },
): Promise<string[]> {
  const out: string[] = [];
  const filters = { label: [scope.label] };

  const summary = (c: { Status: string }) => ({ ...c, Status: normalizeStatus(c.Status) });
  for (const all of [true, false]) {
    const [a, b] = await Promise.all([
      listContainers(engine, { all, filters }),
      listContainers(cache, { all, filters }),
    ]);
    compareLists(`containers(all=${all})`, a, b, (c) => c.Id, summary, out);
    compare(
      `containers(all=${all}) order`,
      a.map((c) => c.Id),
      b.map((c) => c.Id),
      out,
    );
    if (all) {
      for (const c of a) {
        const [x, y] = await Promise.all([
          inspectContainer(engine, c.Id),
          inspectContainer(cache, c.Id).catch((error: Error) => error.message),
        ]);
        compare(
          `container ${c.Id}`,
          withoutHealthLog(x),
          typeof y === 'string' ? y : withoutHealthLog(y),
          out,
        );
      }
    }
  }

  const ours = (tags: string[] | null) =>
    (tags ?? []).some((tag) => tag.startsWith(scope.tagPrefix));
  for (const all of [true, false]) {
    const [a, b] = await Promise.all([listImages(engine, { all }), listImages(cache, { all })]);
    compareLists(
      `images(all=${all})`,
      a.filter((image) => ours(image.RepoTags)),
      b.filter((image) => ours(image.RepoTags)),
      (image) => image.Id,
      (image) => image,
      out,
    );
  }
  for (const image of (await listImages(engine, { all: true })).filter((i) => ours(i.RepoTags))) {
    const [x, y] = await Promise.all([
      inspectImage(engine, image.Id),
      inspectImage(cache, image.Id),
    ]);
    compare(`image ${image.Id}`, x, y, out);
  }

  const [networksA, networksB] = await Promise.all([
    listNetworks(engine, { filters }),
    listNetworks(cache, { filters }),
  ]);
  compareLists(
    'networks',
    networksA,
    networksB,
    (n) => n.Id,
    (n) => n,
    out,
  );
  for (const network of networksA) {
    const [x, y] = await Promise.all([
      inspectNetwork(engine, network.Id),
      inspectNetwork(cache, network.Id),
    ]);
    compare(`network ${network.Name}`, x, y, out);
  }

  const [volumesA, volumesB] = await Promise.all([
    listVolumes(engine, { filters }),
    listVolumes(cache, { filters }),
  ]);
  compareLists(
    'volumes',
    volumesA,
    volumesB,
    (v) => v.Name,
    (v) => v,
    out,
  );
  for (const volume of volumesA) {
    const [x, y] = await Promise.all([
      inspectVolume(engine, volume.Name),
      inspectVolume(cache, volume.Name),
    ]);
    compare(`volume ${volume.Name}`, x, y, out);
  }
  return out;
}
