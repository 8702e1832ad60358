import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEndpoint, parseDockerHost } from '../../src/engine/docker-host.ts';
import { BadUserInputError } from '../../src/engine/errors.ts';
import { checkHostKey, knownHostsName } from '../../src/engine/ssh-known-hosts.ts';
import { thrown } from '../helpers/errors.ts';

describe('parseDockerHost: ssh://', () => {
  it('reads user, host and port as the docker CLI does', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'ssh://deploy@build.example:2222' })).toEqual({
      kind: 'ssh',
      origin: 'http://docker',
      user: 'deploy',
      host: 'build.example',
      port: 2222,
    });
  });

  it('defaults to port 22 and the local user, and takes the key and known_hosts', () => {
    const endpoint = parseDockerHost(
      { DOCKER_HOST: 'ssh://[::1]', WHARF_SSH_KNOWN_HOSTS: '/etc/wharf/known_hosts' },
      { identityFile: '/etc/wharf/id_ed25519' },
    );
    expect(endpoint).toMatchObject({
      kind: 'ssh',
      user: userInfo().username,
      host: '::1',
      port: 22,
      identityFile: '/etc/wharf/id_ed25519',
      knownHostsFile: '/etc/wharf/known_hosts',
    });
    expect(describeEndpoint(endpoint)).toBe(`ssh://${userInfo().username}@::1:22`);
  });

  it('refuses passwords and paths', () => {
    const password = thrown(() => parseDockerHost({ DOCKER_HOST: 'ssh://u:secret@host' }));
    expect(password).toBeInstanceOf(BadUserInputError);
    expect((password as Error).message).toMatch(/no passwords/);
    // The password never reaches the message (it goes to logs).
    expect((password as Error).message).not.toMatch(/secret/);
    const path = thrown(() => parseDockerHost({ DOCKER_HOST: 'ssh://u@host/var/run' }));
    expect((path as Error).message).toMatch(/takes no path/);
  });
});

describe('checkHostKey', () => {
  let dir: string;
  const key = () =>
    generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const blob = (der: Buffer) => {
    // The wire format: string "ssh-ed25519", string <32 raw bytes>.
    const raw = der.subarray(der.length - 32);
    const type = Buffer.from('ssh-ed25519');
    const parts = [type, raw].flatMap((part) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      return [length, part];
    });
    return Buffer.concat(parts);
  };
  const ours = blob(key());
  const other = blob(key());
  const line = (hosts: string, k: Buffer) => `${hosts} ssh-ed25519 ${k.toString('base64')}`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-known-hosts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(...lines: string[]) {
    const path = join(dir, randomBytes(4).toString('hex'));
    await writeFile(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('names hosts off port 22 as [host]:port', () => {
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
  });

  it('knows a listed key, refuses a changed one and an unlisted host', async () => {
    const known = await file('# comment', line('other,[h]:2222', ours));
    expect(checkHostKey([known], '[h]:2222', ours)).toBe('known');
    expect(checkHostKey([known], '[h]:2222', other)).toBe('changed');
    expect(checkHostKey([known], 'h', ours)).toBe('unknown');
    expect(checkHostKey([join(dir, 'missing'), known], 'other', ours)).toBe('known');
  });

  it('matches hashed names, wildcards and negations', async () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[h]:2222').digest('base64');
    const hashed = await file(line(`|1|${salt.toString('base64')}|${hash}`, ours));
    expect(checkHostKey([hashed], '[h]:2222', ours)).toBe('known');
    expect(checkHostKey([hashed], '[h]:2223', ours)).toBe('unknown');
    const wild = await file(line('*.example,!bad.example', ours));
    expect(checkHostKey([wild], 'good.example', ours)).toBe('known');
    expect(checkHostKey([wild], 'bad.example', ours)).toBe('unknown');
  });

  it('refuses a revoked key even when it is also listed, and ignores CA lines', async () => {
    const revoked = await file(line('h', ours), `@revoked ${line('*', ours)}`);
    expect(checkHostKey([revoked], 'h', ours)).toBe('revoked');
    const ca = await file(`@cert-authority ${line('h', ours)}`);
    expect(checkHostKey([ca], 'h', ours)).toBe('unknown');
  });
});
