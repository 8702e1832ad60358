import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCredentialConfig, registryKey } from '../../src/credentials/docker-config.ts';
import { createRegistryCredentials } from '../../src/credentials/registry-credentials.ts';
import { registryAuthHeader } from '../../src/engine/registry-auth.ts';

let dir: string;
const basic = (pair: string) => Buffer.from(pair).toString('base64');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-credentials-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('docker config files', () => {
  it('names registries as image references do', () => {
    expect(registryKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryKey('registry-1.docker.io')).toBe('docker.io');
    expect(registryKey('http://127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(registryKey('https://GHCR.io/v2/')).toBe('ghcr.io');
  });

  it('refuses a bad file naming the file and the entry, never the secret', () => {
    const refuse = (text: string) => () => parseCredentialConfig(text, 'auth.json');
    expect(refuse('{')).toThrow('auth.json: not valid JSON');
    expect(refuse('[]')).toThrow('auth.json: must be a JSON object');
    expect(
      refuse(JSON.stringify({ auths: { 'r:5000': { auth: basic('no-colon-secret') } } })),
    ).toThrow('auth.json: auths["r:5000"].auth: not base64 of user:password');
    expect(refuse(JSON.stringify({ credHelpers: { 'r:5000': '../../bin/sh' } }))).toThrow(
      'auth.json: credHelpers["r:5000"]: not a credential helper name',
    );
    expect(refuse(JSON.stringify({ credsStore: 7 }))).toThrow('auth.json: credsStore');
    try {
      refuse(JSON.stringify({ auths: { r: { auth: basic('no-colon-secret') } } }))();
    } catch (error) {
      expect(String(error)).not.toContain('no-colon-secret');
    }
  });

  it('ignores what is not about credentials, as the docker CLI keeps other settings there', () => {
    const config = parseCredentialConfig(
      JSON.stringify({ proxies: { default: {} }, psFormat: 'x', auths: {} }),
      'config.json',
    );
    expect(config.auths.size).toBe(0);
  });
});

describe('registry credentials', () => {
  it('reads auth, username/password and identity tokens, first file first', async () => {
    const first = await file('first.json', {
      auths: { 'https://index.docker.io/v1/': { identitytoken: 'refresh-1' } },
    });
    const second = await file('second.json', {
      auths: {
        'https://index.docker.io/v1/': { auth: basic('hub:never-used') },
        'r.example:5000': { auth: basic('user:pa:ss') },
        'plain.example': { username: 'u', password: 'p' },
        'empty.example': {},
      },
    });
    const credentials = createRegistryCredentials({ authFile: first, dockerConfig: second });
    expect(await credentials.lookup('docker.io')).toEqual({
      identitytoken: 'refresh-1',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(await credentials.lookup('r.example:5000')).toEqual({
      username: 'user',
      password: 'pa:ss',
      serveraddress: 'r.example:5000',
    });
    expect(await credentials.lookup('plain.example')).toMatchObject({
      username: 'u',
      password: 'p',
    });
    expect(await credentials.lookup('empty.example')).toBeUndefined();
    expect(await credentials.lookup('other.example')).toBeUndefined();
  });

  it('reads a file again when it changes, and a missing docker config means none', async () => {
    const path = join(dir, 'changing.json');
    const credentials = createRegistryCredentials({ dockerConfig: path });
    expect(await credentials.lookup('r.example')).toBeUndefined();
    await file('changing.json', { auths: { 'r.example': { auth: basic('a:1') } } });
    expect(await credentials.lookup('r.example')).toMatchObject({ username: 'a', password: '1' });
    await file('changing.json', { auths: { 'r.example': { auth: basic('b:22') } } });
    expect(await credentials.lookup('r.example')).toMatchObject({ username: 'b', password: '22' });
    // Broken later: CREDENTIALS_UNAVAILABLE without the server's path.
    await file('changing.json', '{ broken');
    const error = await credentials.lookup('r.example').catch((e: unknown) => e);
    expect(error).toMatchObject({ extensions: { code: 'CREDENTIALS_UNAVAILABLE' } });
    expect(String(error)).not.toContain(dir);
  });

  it('asks a helper, takes <token> as an identity token, and falls back to auths when it has none', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    const helper = join(bin, 'docker-credential-unit');
    await writeFile(
      helper,
      [
        '#!/bin/sh',
        'read -r server',
        'case "$server" in',
        '  https://index.docker.io/v1/) echo \'{"ServerURL":"x","Username":"<token>","Secret":"tok"}\';;',
        '  *) echo "credentials not found in native keychain"; exit 1;;',
        'esac',
        '',
      ].join('\n'),
    );
    await chmod(helper, 0o755);
    const config = await file('helper.json', {
      credsStore: 'unit',
      auths: { 'fallback.example': { auth: basic('f:b') } },
    });
    const credentials = createRegistryCredentials({
      dockerConfig: config,
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(await credentials.lookup('docker.io')).toEqual({
      identitytoken: 'tok',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(await credentials.lookup('fallback.example')).toMatchObject({ username: 'f' });
    expect(await credentials.lookup('nothing.example')).toBeUndefined();
    const missing = createRegistryCredentials({
      dockerConfig: await file('missing-helper.json', { credsStore: 'nowhere' }),
      env: { PATH: bin },
    });
    await expect(missing.lookup('r.example')).rejects.toThrow(
      'docker-credential-nowhere is not on PATH',
    );
  });

  it('encodes X-Registry-Auth as padded base64url JSON, {} without credentials', () => {
    const decode = (header: Record<string, string>) =>
      JSON.parse(
        Buffer.from(
          (header['x-registry-auth'] ?? '').replaceAll('-', '+').replaceAll('_', '/'),
          'base64',
        ).toString(),
      );
    expect(decode(registryAuthHeader(undefined))).toEqual({});
    const auth = { username: 'ü?>', password: '~~~?', serveraddress: 'r:5000' };
    const header = registryAuthHeader(auth);
    expect(header['x-registry-auth']).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(decode(header)).toEqual(auth);
  });
});
