import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/authenticate.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/principal.ts';
import {
  envValueHider,
  visibleEnv,
  visibleKeyValues,
  visibleOptions,
} from '../../src/auth/redact.ts';
import { loadTokensFile, parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { BadUserInputError } from '../../src/engine/errors.ts';

const VIEWER = 'viewer-token-0123456789';
const ADMIN = 'admin-token-0123456789ab';
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

const store = () =>
  new TokenStore(
    parseTokens(
      JSON.stringify([
        { name: 'dash', role: 'viewer', token: VIEWER, labels: ['team=a'] },
        { name: 'root', role: 'admin', sha256: hex(ADMIN) },
      ]),
    ),
  );

function refusal(text: string): string {
  try {
    parseTokens(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('tokens file', () => {
  it('reads token and sha256 entries, with labels', () => {
    const tokens = store();
    expect(tokens.authenticate(VIEWER)).toEqual({
      kind: 'token',
      name: 'dash',
      role: 'viewer',
      labels: ['team=a'],
    });
    expect(tokens.authenticate(ADMIN)).toMatchObject({ name: 'root', role: 'admin', labels: [] });
    expect(tokens.authenticate(`${ADMIN}x`)).toBeUndefined();
    expect(tokens.authenticate('')).toBeUndefined();
  });

  it('refuses a malformed file, naming the entry', () => {
    const good = { name: 'ci', role: 'operator', token: VIEWER };
    expect(refusal('{')).toMatch(/not JSON/);
    expect(refusal('[]')).toMatch(/non-empty JSON array/);
    expect(refusal(JSON.stringify([good, { ...good, name: 'x', role: 'root' }]))).toMatch(
      /entry 1 "x": role must be one of viewer, operator, admin/,
    );
    expect(refusal(JSON.stringify([{ ...good, sha256: hex('a') }]))).toMatch(
      /entry 0 "ci": needs exactly one of "token" and "sha256"/,
    );
    expect(refusal(JSON.stringify([{ name: 'ci', role: 'viewer' }]))).toMatch(/exactly one/);
    expect(refusal(JSON.stringify([{ ...good, token: 'short' }]))).toMatch(/at least 16/);
    expect(refusal(JSON.stringify([{ name: 'h', role: 'viewer', sha256: 'abc' }]))).toMatch(
      /sha256 must be 64 hex digits/,
    );
    expect(refusal(JSON.stringify([{ ...good, labels: ['nokey'] }]))).toMatch(/key=value/);
    expect(refusal(JSON.stringify([{ ...good, extra: 1 }]))).toMatch(/unknown field extra/);
    expect(refusal(JSON.stringify([good, { ...good, token: ADMIN }]))).toMatch(/used twice/);
    expect(refusal(JSON.stringify([good, { ...good, name: 'b' }]))).toMatch(/same token/);
    expect(refusal(JSON.stringify(['x']))).toMatch(/entry 0: must be an object/);
  });

  it('names the file when it cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-tokens-'));
    expect(() => loadTokensFile(join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
    writeFileSync(join(dir, 'bad.json'), '[{"name":"a"}]');
    expect(() => loadTokensFile(join(dir, 'bad.json'))).toThrow(/bad\.json: tokens file entry 0/);
  });

  it('replaces all tokens at once', () => {
    const tokens = store();
    tokens.replace(parseTokens(JSON.stringify([{ name: 'n', role: 'viewer', token: ADMIN }])));
    expect(tokens.authenticate(VIEWER)).toBeUndefined();
    expect(tokens.authenticate(ADMIN)).toMatchObject({ name: 'n', role: 'viewer' });
  });
});

describe('authenticate', () => {
  const as = (authorization: unknown, url = '/graphql') =>
    authenticate(store(), { url, authorization });

  it('is the local admin without a tokens file', () => {
    expect(authenticate(undefined, { url: '/graphql?token=x', authorization: undefined })).toEqual({
      ok: true,
      principal: LOCAL_PRINCIPAL,
    });
  });

  it('takes "Bearer <token>" only', () => {
    expect(as(`Bearer ${VIEWER}`)).toMatchObject({ ok: true, principal: { name: 'dash' } });
    expect(as(`bearer ${VIEWER}`)).toMatchObject({ ok: true });
    expect(as(undefined)).toMatchObject({ ok: false, rule: 'auth.missing' });
    expect(as(VIEWER)).toMatchObject({ ok: false, rule: 'auth.missing' });
    expect(as(`Basic ${VIEWER}`)).toMatchObject({ ok: false, rule: 'auth.missing' });
    expect(as({ token: VIEWER })).toMatchObject({ ok: false, rule: 'auth.missing' });
    expect(as('Bearer wrong-token-0123456789')).toMatchObject({ ok: false, rule: 'auth.invalid' });
  });

  it('refuses a token in the URL, even with a good header', () => {
    for (const name of ['token', 'access_token', 'authorization']) {
      expect(as(`Bearer ${VIEWER}`, `/graphql?${name}=${VIEWER}`)).toMatchObject({
        ok: false,
        rule: 'auth.token-in-url',
        message: expect.stringContaining('URL'),
      });
    }
  });
});

describe('redaction below admin', () => {
  const viewer = store().authenticate(VIEWER);
  if (!viewer) throw new Error('no viewer');

  it('hides env values and secret-looking labels from everyone but admin', () => {
    expect(visibleEnv(viewer, ['DB_PASSWORD=s3cret=x', 'PATH=/bin', 'FLAG'])).toEqual([
      'DB_PASSWORD=***',
      'PATH=***',
      'FLAG',
    ]);
    expect(visibleEnv(LOCAL_PRINCIPAL, ['A=b'])).toEqual(['A=b']);
    expect(
      visibleKeyValues(viewer, { 'db.Password': 'p', api_token: 't', 'ssh-key': 'k', team: 'a' }),
    ).toEqual({ 'db.Password': '***', api_token: '***', 'ssh-key': '***', team: 'a' });
    expect(visibleKeyValues(LOCAL_PRINCIPAL, { secret: 's' })).toEqual({ secret: 's' });
    expect(visibleKeyValues(viewer, null)).toEqual({});
  });

  it('hides secret-looking driver options, also inside a comma-separated value', () => {
    const options = {
      type: 'cifs',
      o: 'addr=10.0.0.1,username=u,password=p4ss,vers=3.0',
      'com.example.api_token': 'abc',
    };
    expect(visibleOptions(viewer, options)).toEqual({
      type: 'cifs',
      o: 'addr=10.0.0.1,username=u,password=***,vers=3.0',
      'com.example.api_token': '***',
    });
    expect(visibleOptions(LOCAL_PRINCIPAL, options)).toEqual(options);
  });

  it("hides the container's own env values (over three characters) in text it printed", () => {
    const env = ['DB_PASSWORD=hunter2', 'DB_URL=pg://u:hunter2@db/app', 'N=abc', 'RE=a.b*c', 'X'];
    const text = 'pg://u:hunter2@db/app as hunter2; abc; aXbbc a.b*c';
    expect(envValueHider(viewer, env)(text)).toBe('*** as ***; abc; aXbbc ***');
    expect(envValueHider(LOCAL_PRINCIPAL, env)(text)).toBe(text);
    expect(envValueHider(viewer, ['A=b'])(text)).toBe(text);
  });
});
