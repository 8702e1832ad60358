import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Registry, startRegistry } from '../helpers/registry.ts';

const scope = testScope('pull');
let gateway: TestGateway;
let registry: Registry;
const pulled: string[] = [];

beforeAll(async () => {
  gateway = await startGateway();
  registry = await startRegistry();
});

afterAll(async () => {
  for (const ref of pulled) await docker('rmi', ref).catch(() => undefined);
  await scope.cleanup();
  await registry?.stop();
  await gateway?.stop();
});

const PULL = `subscription ($ref: String!) {
  imagePull(ref: $ref) {
    __typename
    ... on PullProgress { status layerId current total percent }
    ... on PullDone { image { dockerId tags } }
  }
}`;

type PullPayload = {
  imagePull:
    | { __typename: 'PullProgress'; status: string; layerId: string | null; percent: number | null }
    | { __typename: 'PullDone'; image: { dockerId: string; tags: string[] } };
};

/** A pushed image with a layer the host does not have, so the pull really downloads it. */
async function pushFreshImage(name: string): Promise<string> {
  const container = scope.name('layer');
  await docker(
    'run',
    ...scope.labelArgs,
    '--name',
    container,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    'head -c 2000000 /dev/urandom > /payload',
  );
  const local = `wharf-pull-${scope.run}:${name}`;
  await docker('commit', '--change', `LABEL ${scope.label}`, container, local);
  const ref = await registry.push(local, `wharf-pull-${scope.run}:${name}`);
  await docker('rmi', local);
  return ref;
}

async function blobFiles(): Promise<{ path: string; size: number }[]> {
  const blobs = join(registry.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const files: { path: string; size: number }[] = [];
  for (const prefix of await readdir(blobs)) {
    for (const digest of await readdir(join(blobs, prefix))) {
      const path = join(blobs, prefix, digest, 'data');
      files.push({ path, size: (await stat(path)).size });
    }
  }
  return files;
}

async function collect(ref: string) {
  const events: PullPayload['imagePull'][] = [];
  for await (const result of gateway.subscribe<PullPayload>(PULL, { ref })) {
    // A refusal before the stream starts comes as one result with errors.
    if (result.errors) throw result.errors;
    const event = result.data?.imagePull;
    if (event) events.push(event);
    if (event?.__typename === 'PullDone') break;
  }
  return events;
}

async function pullError(ref: string): Promise<{ code?: string; message: string }> {
  try {
    await collect(ref);
  } catch (errors) {
    const first = (errors as { message: string; extensions?: { code?: string } }[])[0];
    return { message: first?.message ?? '', code: first?.extensions?.code };
  }
  throw new Error('the pull succeeded');
}

describe('imagePull', () => {
  it('streams layer progress with an overall percentage, then the image', async () => {
    const ref = await pushFreshImage('ok');
    pulled.push(ref);
    const events = await within(collect(ref), 60_000, 'the pull');
    const done = events.at(-1);
    expect(done?.__typename).toBe('PullDone');
    if (done?.__typename !== 'PullDone') return;
    expect(done.image.tags).toContain(ref);
    expect(done.image.dockerId).toBe(await docker('image', 'inspect', '-f', '{{.Id}}', ref));
    const progress = events.filter((e) => e.__typename === 'PullProgress');
    expect(progress.some((e) => e.__typename === 'PullProgress' && e.layerId !== null)).toBe(true);
    const percents = progress.flatMap((e) =>
      e.__typename === 'PullProgress' && e.percent !== null ? [e.percent] : [],
    );
    expect(percents.length).toBeGreaterThan(0);
    expect(Math.max(...percents)).toBeCloseTo(100, 0);
    expect(percents.every((p) => p >= 0 && p <= 100)).toBe(true);
  });

  it('fails with PULL_FAILED for a tag the registry does not have', async () => {
    const error = await pullError(`${registry.address}/wharf-pull-${scope.run}:missing`);
    expect(error.code).toBe('PULL_FAILED');
  });

  it('fails with PULL_FAILED when the engine reports an error inside the 200 stream', async () => {
    const before = new Set((await blobFiles()).map((blob) => blob.path));
    const ref = await pushFreshImage('broken');
    // Remove the new 2 MB layer from the registry's storage: the manifest still resolves, so the
    // engine starts streaming, then cannot download the layer.
    let biggest = { path: '', size: -1 };
    for (const blob of await blobFiles()) {
      if (!before.has(blob.path) && blob.size > biggest.size) biggest = blob;
    }
    expect(biggest.size).toBeGreaterThan(1_000_000);
    await rm(biggest.path);
    const error = await within(pullError(ref), 60_000, 'the failing pull');
    expect(error.code).toBe('PULL_FAILED');
    const images = await docker('images', '-q', ref);
    expect(images).toBe('');
  });

  it('refuses a malformed reference or platform before calling the engine', async () => {
    expect((await pullError('UPPER CASE')).code).toBe('BAD_USER_INPUT');
    const platform = await gateway
      .subscribe(`subscription { imagePull(ref: "x", platform: "linux amd64") { __typename } }`)
      .next()
      .then(
        (result) => result.value?.errors?.[0]?.extensions?.code,
        (errors: { extensions?: { code?: string } }[]) => errors[0]?.extensions?.code,
      );
    expect(platform).toBe('BAD_USER_INPUT');
  });
});
