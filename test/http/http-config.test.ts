import { describe, expect, it } from 'vitest';
import { createHostCheck, hostName } from '../../src/http/host-check.ts';
import { loadHttpConfig } from '../../src/http/http-config.ts';
import { createOriginCheck } from '../../src/http/origin-check.ts';

const loopback = { host: '127.0.0.1', port: 4000 };

describe('loadHttpConfig', () => {
  it('defaults to the safe settings', () => {
    expect(loadHttpConfig({}, loopback)).toEqual({
      publicHosts: [],
      corsOrigins: [],
      corsCredentials: false,
      graphiql: true,
      ui: true,
      auth: undefined,
    });
  });

  it('reads the lists and flags', () => {
    expect(
      loadHttpConfig(
        {
          WHARF_PUBLIC_HOSTS: 'wharf.internal, 10.0.0.5,[fd00::1]',
          WHARF_CORS_ORIGINS: 'https://app.example, http://localhost:5173',
          WHARF_CORS_CREDENTIALS: 'true',
          WHARF_GRAPHIQL: 'false',
          WHARF_UI: 'false',
        },
        loopback,
      ),
    ).toEqual({
      publicHosts: ['wharf.internal', '10.0.0.5', '[fd00::1]'],
      corsOrigins: ['https://app.example', 'http://localhost:5173'],
      corsCredentials: true,
      graphiql: false,
      ui: false,
      auth: undefined,
    });
  });

  it('refuses a non-loopback listener unless WHARF_AUTH=none', () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'wharf.example']) {
      expect(() => loadHttpConfig({}, { host, port: 4000 })).toThrow(
        /refusing to listen on .* set WHARF_AUTH=none/,
      );
      expect(loadHttpConfig({ WHARF_AUTH: 'none' }, { host, port: 4000 }).auth).toBe('none');
    }
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      expect(loadHttpConfig({}, { host, port: 4000 }).auth).toBeUndefined();
    }
  });

  it('refuses malformed values with the variable named', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ WHARF_AUTH: 'token' }, /WHARF_AUTH=token: the only value is "none"/],
      [{ WHARF_GRAPHIQL: 'off' }, /WHARF_GRAPHIQL=off must be true or false/],
      [{ WHARF_CORS_CREDENTIALS: '1' }, /WHARF_CORS_CREDENTIALS=1/],
      [{ WHARF_CORS_ORIGINS: 'https://app.example/' }, /WHARF_CORS_ORIGINS entry/],
      [{ WHARF_CORS_ORIGINS: 'app.example' }, /WHARF_CORS_ORIGINS entry/],
      [{ WHARF_CORS_ORIGINS: 'null' }, /WHARF_CORS_ORIGINS entry/],
      [{ WHARF_PUBLIC_HOSTS: 'wharf.internal:4000' }, /WHARF_PUBLIC_HOSTS entry/],
      [{ WHARF_PUBLIC_HOSTS: 'https://wharf.internal' }, /WHARF_PUBLIC_HOSTS entry/],
    ];
    for (const [env, message] of bad) {
      expect(() => loadHttpConfig(env, loopback)).toThrow(message);
    }
  });
});

describe('Host and Origin checks', () => {
  it('accepts loopback, the listen host and public hosts, never a wildcard bind', () => {
    const check = createHostCheck(['wharf.internal'], () => '10.0.0.5');
    for (const host of [
      'localhost:1',
      '127.9.9.9',
      '[::1]:4000',
      'wharf.internal',
      '10.0.0.5:4000',
    ]) {
      expect(check(host), host).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'evil.example',
      'localhost.',
      'a@localhost',
      'localhost/x',
    ]) {
      expect(check(host), String(host)).toBe(false);
    }
    expect(createHostCheck([], () => '0.0.0.0')('0.0.0.0:4000')).toBe(false);
    expect(createHostCheck([], () => '::')('[::]:4000')).toBe(false);
  });

  it('normalises Host names as browsers do', () => {
    expect(hostName('LocalHost:4000')).toBe('localhost');
    expect(hostName('[0:0:0:0:0:0:0:1]')).toBe('[::1]');
    expect(hostName('evil.example@127.0.0.1')).toBeUndefined();
  });

  it('allows no Origin, the same origin, or a listed one, exactly', () => {
    const check = createOriginCheck(['https://app.example']);
    expect(check(undefined, 'localhost:4000')).toBe(true);
    expect(check('http://localhost:4000', 'localhost:4000')).toBe(true);
    expect(check('https://wharf.example', 'wharf.example')).toBe(true);
    expect(check('https://app.example', 'localhost:4000')).toBe(true);
    for (const origin of [
      'null',
      'http://localhost:4001',
      'http://localhost:4000/',
      'https://app.example:443/x',
      'file://',
      'http://evil.example',
    ]) {
      expect(check(origin, 'localhost:4000'), origin).toBe(false);
    }
  });
});
