import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE } from '../helpers/docker.ts';
import { type Registry, startRegistry } from '../helpers/registry.ts';

const repo = `wharf-test/infra-${randomBytes(4).toString('hex')}`;

describe('local registry', () => {
  let registry: Registry;

  beforeAll(async () => {
    registry = await startRegistry();
  });

  afterAll(async () => {
    await registry?.stop();
  });

  it('answers the registry API on 127.0.0.1 over plain HTTP', async () => {
    expect(registry.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const response = await fetch(`http://${registry.address}/v2/`);
    expect(response.status).toBe(200);
  });

  it('push() puts the fixture image there and docker pull gets it back', async () => {
    const ref = await registry.push(FIXTURE_IMAGE, `${repo}:v1`);
    expect(ref).toBe(`${registry.address}/${repo}:v1`);
    // push() removed its local tag again.
    await expect(docker('image', 'inspect', ref)).rejects.toThrow(/No such image/);
    const tags = (await (
      await fetch(`http://${registry.address}/v2/${repo}/tags/list`)
    ).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1']);

    try {
      await docker('pull', '--quiet', ref);
      const pulled = await docker('image', 'inspect', '--format', '{{.Id}}', ref);
      expect(pulled).toBe(await docker('image', 'inspect', '--format', '{{.Id}}', FIXTURE_IMAGE));
      const digests = await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', ref);
      expect(digests).toContain(`${registry.address}/${repo}@sha256:`);
    } finally {
      await docker('rmi', ref).catch(() => undefined);
    }
    // The fixture itself is untouched.
    expect(await docker('image', 'inspect', '--format', '{{.Id}}', FIXTURE_IMAGE)).toMatch(
      /^sha256:/,
    );
  });

  it('pulling a tag it does not have fails', async () => {
    const ref = `${registry.address}/${repo}:missing`;
    await expect(docker('pull', ref)).rejects.toThrow(/manifest unknown|not found/);
    await expect(docker('image', 'inspect', ref)).rejects.toThrow(/No such image/);
  });
});

describe('local registry stop()', () => {
  it('stops answering, removes its storage and is idempotent', async () => {
    const registry = await startRegistry();
    const ref = await registry.push(FIXTURE_IMAGE, `${repo}-stop:v1`);
    expect(ref).toContain(registry.address);
    await registry.stop();
    await expect(fetch(`http://${registry.address}/v2/`)).rejects.toThrow();
    await registry.stop();
    await expect(registry.push(FIXTURE_IMAGE, `${repo}-stop:v2`)).rejects.toThrow(/after stop/);
    expect(existsSync(registry.dir)).toBe(false);
    // Nothing of it left on the host engine either.
    const repos = await docker('images', '--format', '{{.Repository}}');
    expect(repos.split('\n').filter((name) => name.startsWith(registry.address))).toEqual([]);
  });

  it('says how to install docker-registry when it is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRegistry()).rejects.toThrow(/apt-get install docker-registry/);
    } finally {
      process.env.PATH = path;
    }
  });
});
