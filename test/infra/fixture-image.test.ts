import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, TEST_LABEL } from '../helpers/docker.ts';

const run = promisify(execFile);
const tag = `wharf-fixture-test-${randomBytes(4).toString('hex')}:busybox`;
const ids = new Set<string>();

const fixtureLabel = (ref: string) =>
  docker('image', 'inspect', '--format', '{{ index .Config.Labels "org.wharf.fixture" }}', ref);

afterAll(async () => {
  await docker('image', 'rm', '-f', tag, ...ids).catch(() => {});
});

describe('scripts/fixture-image.sh', () => {
  it('rebuilds when the tag is held by an image without the fixture label', async () => {
    // An empty image under the fixture's tag, as another build could leave it.
    const { stdout } = await run('bash', [
      '-c',
      `tar -c -T /dev/null | docker import --change 'LABEL ${TEST_LABEL}=fixture-image' - ${tag}`,
    ]);
    const impostor = stdout.trim();
    ids.add(impostor);
    expect(await fixtureLabel(tag)).toBe('');

    await run('bash', ['scripts/fixture-image.sh', tag]);
    const rebuilt = await docker('image', 'inspect', '--format', '{{.Id}}', tag);
    ids.add(rebuilt);
    expect(rebuilt).not.toBe(impostor);
    expect(await fixtureLabel(tag)).toBe('true');
    expect(
      await docker('run', '--rm', '--label', `${TEST_LABEL}=fixture-image`, tag, 'echo', 'ok'),
    ).toBe('ok');

    // Now the tag is ours: a second run leaves it alone.
    await run('bash', ['scripts/fixture-image.sh', tag]);
    expect(await docker('image', 'inspect', '--format', '{{.Id}}', tag)).toBe(rebuilt);
  });
});
