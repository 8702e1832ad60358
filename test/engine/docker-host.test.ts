import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DOCKER_HOST,
  describeEndpoint,
  parseDockerHost,
} from '../../src/engine/docker-host.ts';
import { BadUserInputError } from '../../src/engine/errors.ts';
import { thrown } from '../helpers/errors.ts';

let emptyCertDir: string;
let certDir: string;

beforeEach(async () => {
  emptyCertDir = await mkdtemp(join(tmpdir(), 'wharf-empty-certs-'));
  certDir = await mkdtemp(join(tmpdir(), 'wharf-certs-'));
  await writeFile(join(certDir, 'ca.pem'), 'dummy CA\n');
  await writeFile(join(certDir, 'cert.pem'), 'dummy cert\n');
  await writeFile(join(certDir, 'key.pem'), 'dummy key\n');
});

afterEach(async () => {
  await rm(emptyCertDir, { recursive: true, force: true });
  await rm(certDir, { recursive: true, force: true });
});

describe('parseDockerHost: unix sockets', () => {
  it('defaults to /var/run/docker.sock', () => {
    expect(DEFAULT_DOCKER_HOST).toBe('unix:///var/run/docker.sock');
    const expected = { kind: 'unix', socketPath: '/var/run/docker.sock', origin: 'http://docker' };
    expect(parseDockerHost({})).toEqual(expected);
    expect(parseDockerHost({ DOCKER_HOST: '' })).toEqual(expected);
    expect(parseDockerHost({ DOCKER_HOST: '   ' })).toEqual(expected);
  });

  it('takes an absolute socket path', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'unix:///x/y.sock' })).toEqual({
      kind: 'unix',
      socketPath: '/x/y.sock',
      origin: 'http://docker',
    });
  });

  it('trims surrounding whitespace', () => {
    expect(parseDockerHost({ DOCKER_HOST: '  unix:///run/user/1000/docker.sock\n' })).toEqual({
      kind: 'unix',
      socketPath: '/run/user/1000/docker.sock',
      origin: 'http://docker',
    });
  });

  it('ignores TLS variables for unix sockets', () => {
    expect(
      parseDockerHost({
        DOCKER_HOST: 'unix:///x/y.sock',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: emptyCertDir,
      }),
    ).toEqual({ kind: 'unix', socketPath: '/x/y.sock', origin: 'http://docker' });
  });

  it('refuses a relative socket path with BadUserInputError', () => {
    for (const host of ['unix://x/y.sock', 'unix://docker.sock', 'unix://']) {
      const error = thrown(() => parseDockerHost({ DOCKER_HOST: host }));
      expect(error, host).toBeInstanceOf(BadUserInputError);
      expect((error as BadUserInputError).code).toBe('BAD_USER_INPUT');
    }
  });

  it('describes a unix endpoint as its socket URL', () => {
    expect(describeEndpoint(parseDockerHost({ DOCKER_HOST: 'unix:///x/y.sock' }))).toBe(
      'unix:///x/y.sock',
    );
  });
});

describe('parseDockerHost: tcp', () => {
  it('maps tcp://host:2375 to a plain http origin', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://1.2.3.4:2375' })).toEqual({
      kind: 'tcp',
      origin: 'http://1.2.3.4:2375',
    });
  });

  it('keeps a non-standard port', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://engine.local:12345' })).toEqual({
      kind: 'tcp',
      origin: 'http://engine.local:12345',
    });
  });

  it('defaults the port to 2375 without TLS', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://engine.local' })).toEqual({
      kind: 'tcp',
      origin: 'http://engine.local:2375',
    });
  });

  it('drops a path after host:port', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://1.2.3.4:2375/' }).origin).toBe(
      'http://1.2.3.4:2375',
    );
  });

  it('keeps IPv6 literals bracketed', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://[::1]:2375' }).origin).toBe('http://[::1]:2375');
  });

  it('describes a tcp endpoint as its origin', () => {
    expect(describeEndpoint(parseDockerHost({ DOCKER_HOST: 'tcp://1.2.3.4:2375' }))).toBe(
      'http://1.2.3.4:2375',
    );
  });

  it('uses https on port 2376 without verification, reading no missing file', () => {
    expect(
      parseDockerHost({ DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: emptyCertDir }),
    ).toEqual({ kind: 'tcp', origin: 'https://h:2376', tls: { verify: false } });
  });

  it('uses https with certificates from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY=1', () => {
    const endpoint = parseDockerHost({
      DOCKER_HOST: 'tcp://h:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
    });
    expect(endpoint.kind).toBe('tcp');
    if (endpoint.kind !== 'tcp') return;
    expect(endpoint.origin).toBe('https://h:2376');
    expect(endpoint.tls?.verify).toBe(true);
    expect(endpoint.tls?.ca?.toString()).toBe('dummy CA\n');
    expect(endpoint.tls?.cert?.toString()).toBe('dummy cert\n');
    expect(endpoint.tls?.key?.toString()).toBe('dummy key\n');
  });

  it('switches to https and port 2376 when DOCKER_TLS_VERIFY is set and no port is given', () => {
    const endpoint = parseDockerHost({
      DOCKER_HOST: 'tcp://h',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
    });
    expect(endpoint.origin).toBe('https://h:2376');
  });

  it('keeps an explicit port when TLS is on', () => {
    const endpoint = parseDockerHost({
      DOCKER_HOST: 'tcp://h:2375',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
    });
    expect(endpoint.origin).toBe('https://h:2375');
  });

  it('uses TLS without verification when only DOCKER_TLS is set', () => {
    const endpoint = parseDockerHost({
      DOCKER_HOST: 'tcp://h:2375',
      DOCKER_TLS: '1',
      DOCKER_CERT_PATH: certDir,
    });
    expect(endpoint).toMatchObject({ kind: 'tcp', origin: 'https://h:2375' });
    if (endpoint.kind !== 'tcp') return;
    expect(endpoint.tls?.verify).toBe(false);
    expect(endpoint.tls?.cert?.toString()).toBe('dummy cert\n');
  });

  it('treats an empty DOCKER_TLS_VERIFY as unset', () => {
    for (const value of ['']) {
      expect(
        parseDockerHost({
          DOCKER_HOST: 'tcp://h:2375',
          DOCKER_TLS_VERIFY: value,
          DOCKER_CERT_PATH: emptyCertDir,
        }),
        value,
      ).toEqual({ kind: 'tcp', origin: 'http://h:2375' });
    }
  });

  it('refuses DOCKER_TLS_VERIFY without ca.pem, naming the missing file', async () => {
    await rm(join(certDir, 'ca.pem'));
    const error = thrown(() =>
      parseDockerHost({
        DOCKER_HOST: 'tcp://h:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certDir,
      }),
    );
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toContain(join(certDir, 'ca.pem'));
  });

  it('refuses a TLS file that is there but cannot be read, naming it and why', async () => {
    // Tests run as root, where chmod 000 does not stop a read: a directory fails with EISDIR.
    await rm(join(certDir, 'key.pem'));
    await mkdir(join(certDir, 'key.pem'));
    const error = thrown(() =>
      parseDockerHost({
        DOCKER_HOST: 'tcp://h:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certDir,
      }),
    );
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as Error).message).toContain(join(certDir, 'key.pem'));
    expect((error as Error).message).toContain('EISDIR');
  });

  it('refuses DOCKER_TLS_VERIFY when DOCKER_CERT_PATH does not exist', () => {
    expect(() =>
      parseDockerHost({
        DOCKER_HOST: 'tcp://h:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: join(emptyCertDir, 'missing'),
      }),
    ).toThrow(BadUserInputError);
  });

  it('accepts http:// and https:// forms', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'http://h:2375' })).toEqual({
      kind: 'tcp',
      origin: 'http://h:2375',
    });
    expect(
      parseDockerHost({ DOCKER_HOST: 'https://h:2376', DOCKER_CERT_PATH: emptyCertDir }),
    ).toMatchObject({ kind: 'tcp', origin: 'https://h:2376' });
  });

  it('refuses a tcp address without a host', () => {
    for (const host of ['tcp://', 'tcp://:2375']) {
      const error = thrown(() => parseDockerHost({ DOCKER_HOST: host }));
      expect(error, host).toBeInstanceOf(BadUserInputError);
    }
  });

  it('keeps an explicit port 80 (tcp://h:80 must not become :2375)', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://h:80' })).toEqual({
      kind: 'tcp',
      origin: 'http://h:80',
    });
  });
});

describe('parseDockerHost: unsupported addresses', () => {
  it('refuses other schemes and bare host names', () => {
    for (const host of [
      'npipe:////./pipe/docker_engine',
      'fd://',
      'docker.local:2375',
      '/var/run/docker.sock',
    ]) {
      expect(() => parseDockerHost({ DOCKER_HOST: host }), host).toThrow(BadUserInputError);
    }
  });
});
