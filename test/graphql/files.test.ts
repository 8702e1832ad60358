import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, dockerStreams, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('files');
const TEAM_A = `a-${scope.run}`;
const TEAM_B = `b-${scope.run}`;
const TOKENS = {
  admin: 'files-admin-0123456789abcdef',
  operator: 'files-operator-0123456789ab',
  viewer: 'files-viewer-0123456789abcd',
  tenantA: 'files-tenant-a-0123456789ab',
};
let gateway: TestGateway;
let small: TestGateway;
let box: string;

type Data = Record<string, unknown>;

const READ = `query ($ref: String!, $path: String!) {
  containerFile(ref: $ref, path: $path) {
    __typename
    ... on ContainerFile { path content encoding file { name type size mode linkTarget mtime } }
    ... on ContainerDirectory {
      path truncated
      directory { name type mode }
      entries { name type size mode linkTarget }
    }
  }
}`;

const WRITE = `mutation ($ref: String!, $path: String!, $content: String!, $encoding: FileEncoding, $mode: Int) {
  containerFileWrite(ref: $ref, path: $path, content: $content, encoding: $encoding, mode: $mode) {
    id path size container { name }
  }
}`;

function read(ref: string, path: string, token = TOKENS.operator, on = gateway) {
  return on.query<Data>(READ, { ref, path }, token);
}

async function readOk(ref: string, path: string) {
  const result = await read(ref, path);
  expect(result.errors, path).toBeUndefined();
  return (result.data as Data).containerFile as Record<string, unknown>;
}

const codeOf = (result: Result<Data>) => result.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  const tokens = parseTokens(
    JSON.stringify([
      { name: 'root', role: 'admin', token: TOKENS.admin },
      { name: 'ops', role: 'operator', token: TOKENS.operator },
      { name: 'dash', role: 'viewer', token: TOKENS.viewer },
      { name: 'ta', role: 'operator', token: TOKENS.tenantA, labels: [`team=${TEAM_A}`] },
    ]),
  );
  gateway = await startGateway({ tokens: new TokenStore(tokens) });
  small = await startGateway({
    tokens: new TokenStore(tokens),
    limits: { maxFileBytes: 1000, maxDirScanBytes: 4096 },
  });
  box = await scope.shell(
    'box',
    [
      'mkdir -p /data/sub /data/many',
      'printf abc > /data/a',
      'echo nested > /data/sub/deep',
      'ln -s ../../etc/shadow /data/evil',
      'ln /data/a /data/hard',
      "printf '\\377\\376\\000\\001binary' > /data/bin",
      'head -c 2000 /dev/zero | tr "\\0" x > /data/big',
      'chmod 4750 /data/a',
      'for i in $(seq 1 40); do head -c 16384 /dev/zero > /data/many/f$i; done',
      'exec sleep 600',
    ].join(' && '),
  );
  await docker('exec', box, 'test', '-d', '/data/many');
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await small?.stop();
  await scope.cleanup();
});

describe('containerFile', () => {
  it('reads /etc/hostname as docker exec cat does', async () => {
    const file = await readOk(box, '/etc/hostname');
    const { out } = await dockerStreams('exec', box, 'cat', '/etc/hostname');
    expect(file).toMatchObject({
      __typename: 'ContainerFile',
      path: '/etc/hostname',
      content: out,
      encoding: 'UTF8',
      file: { name: 'hostname', type: 'FILE', size: out.length, linkTarget: null },
    });
  });

  it('lists a directory: its own entries only, links not followed', async () => {
    const listing = await readOk(box, '/data//./');
    const names = (await docker('exec', box, 'ls', '-A', '/data')).split('\n').sort();
    const entries = listing.entries as { name: string }[];
    expect(entries.map((entry) => entry.name).sort()).toEqual(names);
    expect(listing).toMatchObject({
      __typename: 'ContainerDirectory',
      path: '/data',
      truncated: false,
      directory: { name: 'data', type: 'DIR', mode: 0o755 },
    });
    expect(entries).toContainEqual({
      name: 'evil',
      type: 'SYMLINK',
      size: 0,
      mode: 0o777,
      linkTarget: '../../etc/shadow',
    });
    expect(entries).toContainEqual({
      name: 'a',
      type: 'FILE',
      size: 3,
      mode: 0o4750,
      linkTarget: null,
    });
    // A hard link has the size of the file it names.
    expect(entries).toContainEqual(
      expect.objectContaining({ name: 'hard', type: 'FILE', size: 3 }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ name: 'sub', type: 'DIR' }));
    expect(entries.some((entry) => entry.name.includes('deep'))).toBe(false);
  });

  it('lists the root directory', async () => {
    const listing = await readOk(box, '/');
    const names = (listing.entries as { name: string }[]).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['bin', 'data', 'etc']));
  });

  it('answers a symlink with its target, never its target’s content', async () => {
    const file = await readOk(box, '/data/evil');
    expect(file).toMatchObject({
      content: null,
      encoding: null,
      file: { name: 'evil', type: 'SYMLINK', linkTarget: '../../etc/shadow' },
    });
  });

  it('answers bytes that are not UTF-8 as base64', async () => {
    const file = await readOk(box, '/data/bin');
    const base64 = await docker('exec', box, 'base64', '/data/bin');
    expect(file).toMatchObject({ encoding: 'BASE64', content: base64 });
    expect(Buffer.from(file.content as string, 'base64')).toEqual(
      Buffer.concat([Buffer.from([0xff, 0xfe, 0, 1]), Buffer.from('binary')]),
    );
  });

  it('refuses a file over the cap with RESPONSE_TOO_LARGE, and reads one under it', async () => {
    const result = await read(box, '/data/big', TOKENS.operator, small);
    expect(codeOf(result)).toBe('RESPONSE_TOO_LARGE');
    expect(result.errors?.[0]?.message).toMatch(/WHARF_MAX_FILE_BYTES.*\/download\/containers/);
    expect((await read(box, '/data/a', TOKENS.operator, small)).errors).toBeUndefined();
  });

  it('stops a listing at the scan cap and says so', async () => {
    // The state cache's event stream, when it is on, stays open.
    const streams = small.engine.openStreams;
    const result = await read(box, '/data/many', TOKENS.operator, small);
    expect(result.errors).toBeUndefined();
    const listing = (result.data as Data).containerFile as { truncated: boolean; entries: [] };
    expect(listing.truncated).toBe(true);
    expect(listing.entries.length).toBeLessThan(40);
    // No engine stream is left open by the cut.
    await expect.poll(() => small.engine.openStreams).toBe(streams);
  });

  it.each([
    ['/data/../etc/shadow', 'BAD_USER_INPUT'],
    ['data/a', 'BAD_USER_INPUT'],
    ['/data/nope', 'NOT_FOUND'],
  ])('answers %s with %s', async (path, code) => {
    expect(codeOf(await read(box, path))).toBe(code);
  });

  it('answers an unknown container with NOT_FOUND', async () => {
    expect(codeOf(await read(`${scope.run}-none`, '/etc/hostname'))).toBe('NOT_FOUND');
  });

  it('is refused to a viewer (file contents can hold secrets)', async () => {
    const result = await read(box, '/proc/1/environ', TOKENS.viewer);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'role.operator',
    });
  });

  it('writes one audit line per read, naming the container', async () => {
    const id = await docker('inspect', '-f', '{{.Id}}', box);
    const before = gateway.audits.length;
    await readOk(box, '/etc/hostname');
    expect(gateway.audits.slice(before)).toEqual([
      expect.objectContaining({
        principal: 'ops',
        operation: 'containerFile',
        decision: 'allow',
        targets: [`local/${id}`],
      }),
    ]);
  });
});

describe('containerFileWrite', () => {
  async function write(variables: Record<string, unknown>, token = TOKENS.operator) {
    return gateway.query<Data>(WRITE, { ref: box, ...variables }, token);
  }

  it('writes a file that docker exec cat reads back, with its mode', async () => {
    const result = await write({ path: '/tmp/note.txt', content: 'hello ✓\n', mode: 0o600 });
    expect(result.errors).toBeUndefined();
    expect((result.data as Data).containerFileWrite).toMatchObject({
      path: '/tmp/note.txt',
      size: Buffer.byteLength('hello ✓\n'),
      container: { name: box },
    });
    expect((await dockerStreams('exec', box, 'cat', '/tmp/note.txt')).out).toBe('hello ✓\n');
    expect(await docker('exec', box, 'stat', '-c', '%a %u', '/tmp/note.txt')).toBe('600 0');
    // And Wharf reads it back the same.
    expect(await readOk(box, '/tmp/note.txt')).toMatchObject({ content: 'hello ✓\n' });
  });

  it('writes base64 content and a long name', async () => {
    const name = `${'n'.repeat(150)}.bin`;
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const result = await write({
      path: `/tmp/${name}`,
      content: bytes.toString('base64'),
      encoding: 'BASE64',
    });
    expect(result.errors).toBeUndefined();
    expect(await docker('exec', box, 'base64', `/tmp/${name}`)).toBe(bytes.toString('base64'));
  });

  it('replaces a file but never a directory', async () => {
    await write({ path: '/tmp/again', content: 'one' });
    expect((await write({ path: '/tmp/again', content: 'two' })).errors).toBeUndefined();
    expect(await docker('exec', box, 'cat', '/tmp/again')).toBe('two');
    const result = await write({ path: '/data/sub', content: 'x' });
    expect(result.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|CONFLICT|ENGINE_ERROR/);
    expect(await docker('exec', box, 'cat', '/data/sub/deep')).toBe('nested');
  });

  it.each([
    [{ path: '/tmp/../etc/passwd', content: 'x' }, 'BAD_USER_INPUT'],
    [{ path: '/', content: 'x' }, 'BAD_USER_INPUT'],
    [{ path: '/tmp/x', content: 'not base64!', encoding: 'BASE64' }, 'BAD_USER_INPUT'],
    [{ path: '/tmp/x', content: 'x', mode: 0o10000 }, 'BAD_USER_INPUT'],
    [{ path: '/no/such/dir/x', content: 'x' }, 'NOT_FOUND'],
  ])('refuses %o with %s', async (variables, code) => {
    expect(codeOf(await write(variables))).toBe(code);
  });

  it('refuses content over the cap', async () => {
    const result = await small.query<Data>(
      WRITE,
      { ref: box, path: '/tmp/too-big', content: 'x'.repeat(1001) },
      TOKENS.operator,
    );
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/WHARF_MAX_FILE_BYTES/);
  });

  it('is refused to a viewer', async () => {
    const result = await write({ path: '/tmp/viewer', content: 'x' }, TOKENS.viewer);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'role.operator',
    });
    expect(await docker('exec', box, 'ls', '/tmp')).not.toMatch(/viewer/);
  });
});

describe('tenancy', () => {
  it('reads and writes only the tenant’s own containers', async () => {
    const own = await scope.shell('own', 'exec sleep 600', '--label', `team=${TEAM_A}`);
    const other = await scope.shell('other', 'exec sleep 600', '--label', `team=${TEAM_B}`);
    const ownRead = await read(own, '/etc/hostname', TOKENS.tenantA);
    expect(ownRead.errors).toBeUndefined();
    // Another tenant's container reads as missing; a shared one (no team label) is refused.
    expect(codeOf(await read(other, '/etc/hostname', TOKENS.tenantA))).toBe('NOT_FOUND');
    expect(
      (await read(box, '/etc/hostname', TOKENS.tenantA)).errors?.[0]?.extensions,
    ).toMatchObject({ code: 'FORBIDDEN', rule: 'tenancy.scope' });
    const written = await gateway.query<Data>(
      WRITE,
      { ref: other, path: '/tmp/x', content: 'x' },
      TOKENS.tenantA,
    );
    expect(codeOf(written)).toBe('NOT_FOUND');
    expect(await docker('exec', other, 'ls', '/tmp')).toBe('');
  });
});
