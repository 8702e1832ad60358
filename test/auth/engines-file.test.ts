import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import { parseEnginesFile } from '../../src/engines-file.ts';
import { thrown } from '../helpers/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'wharf-engines-file-'));
// A certificate directory relative to the file: only ca.pem is required to verify.
mkdirSync(join(dir, 'certs'));
writeFileSync(join(dir, 'certs', 'ca.pem'), 'not really a certificate');

const parse = (entries: unknown) =>
  parseEnginesFile(JSON.stringify(entries), { baseDir: dir, knownHostsFile: undefined });
const refusal = (entries: unknown) => {
  const error = thrown(() => parse(entries)) as Error & { code?: string };
  expect(error.code).toBe('BAD_USER_INPUT');
  return error.message;
};

/** A file written to `dir`, for loadConfig. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('WHARF_ENGINES_FILE', () => {
  it('reads unix and tcp+TLS engines; the one marked default, else the first', () => {
    const engines = parse([
      { name: 'local', host: 'unix:///var/run/docker.sock' },
      { name: 'edge-1', host: 'tcp://10.0.0.5:2376', tlsVerify: true, certPath: 'certs' },
      { name: 'old_one', host: 'unix:///tmp/old.sock', apiVersion: '1.40', default: true },
    ]);
    expect(engines.defaultName).toBe('old_one');
    expect(engines.list.map((engine) => engine.name)).toEqual(['local', 'edge-1', 'old_one']);
    expect(engines.list[0]).toEqual({
      name: 'local',
      endpoint: { kind: 'unix', socketPath: '/var/run/docker.sock', origin: 'http://docker' },
      apiVersion: undefined,
      sameHost: true,
    });
    expect(engines.list[1]?.endpoint).toMatchObject({
      kind: 'tcp',
      origin: 'https://10.0.0.5:2376',
      tls: { verify: true, ca: Buffer.from('not really a certificate') },
    });
    expect(engines.list[2]?.apiVersion).toBe('1.40');
    expect(
      parse([
        { name: 'a', host: 'unix:///a.sock' },
        { name: 'b', host: 'unix:///b.sock' },
      ]),
    ).toMatchObject({ defaultName: 'a' });
  });

  it('takes a unix socket to be on this host and tcp or ssh not, unless sameHost says otherwise', () => {
    const engines = parse([
      { name: 'here', host: 'unix:///var/run/docker.sock' },
      { name: 'tunnel', host: 'unix:///run/far.sock', sameHost: false },
      { name: 'edge', host: 'tcp://10.0.0.5:2376', tlsVerify: true, certPath: 'certs' },
      { name: 'loop', host: 'tcp://127.0.0.1:2375', sameHost: true },
      { name: 'far', host: 'ssh://ops@far.example' },
    ]);
    expect(engines.list.map(({ name, sameHost }) => [name, sameHost])).toEqual([
      ['here', true],
      ['tunnel', false],
      ['edge', false],
      ['loop', true],
      ['far', false],
    ]);
    expect(refusal([{ name: 'x', host: 'unix:///x.sock', sameHost: 'yes' }])).toBe(
      'engines file entry 0 "x": sameHost must be true or false',
    );
  });

  it('maps sshKey to the ssh engine identity file, relative to the file', () => {
    const [engine] = parse([
      { name: 'far', host: 'ssh://ops@far.example', sshKey: 'keys/far' },
    ]).list;
    expect(engine?.endpoint).toMatchObject({
      kind: 'ssh',
      user: 'ops',
      host: 'far.example',
      identityFile: join(dir, 'keys', 'far'),
    });
  });

  it.each([
    ['not an array', {}, 'must be a non-empty JSON array'],
    ['empty', [], 'must be a non-empty JSON array'],
    ['a string entry', ['local'], 'entry 0: must be an object'],
    [
      'an unknown field',
      [{ name: 'a', host: 'unix:///a.sock', tls: true }],
      'entry 0 "a": unknown field tls',
    ],
    ['no name', [{ host: 'unix:///a.sock' }], 'entry 0: name must be'],
    ['an uppercase name', [{ name: 'Prod', host: 'unix:///a.sock' }], 'entry 0 "Prod": name'],
    ['a name with a slash', [{ name: 'a/b', host: 'unix:///a.sock' }], 'entry 0 "a/b": name'],
    ['a name starting with -', [{ name: '-a', host: 'unix:///a.sock' }], 'entry 0 "-a": name'],
    [
      'a name used twice',
      [
        { name: 'a', host: 'unix:///a.sock' },
        { name: 'a', host: 'unix:///b.sock' },
      ],
      'entry 1 "a": name is used twice',
    ],
    [
      'two defaults',
      [
        { name: 'a', host: 'unix:///a.sock', default: true },
        { name: 'b', host: 'unix:///b.sock', default: true },
      ],
      'marks "a" and "b" as default',
    ],
    ['no host', [{ name: 'a' }], 'entry 0 "a": host must be'],
    [
      'a host of no known scheme',
      [{ name: 'a', host: 'ftp://x' }],
      'entry 0 "a": DOCKER_HOST ftp://x is not supported',
    ],
    [
      'a relative unix socket',
      [{ name: 'a', host: 'unix://docker.sock' }],
      'entry 0 "a": DOCKER_HOST unix://docker.sock: a unix socket path must be absolute',
    ],
    [
      'plain tcp to another host',
      [{ name: 'far', host: 'tcp://192.0.2.1:2375' }],
      'entry 0 "far": host: refusing the engine at http://192.0.2.1:2375',
    ],
    [
      'tlsVerify without a ca.pem',
      [{ name: 'a', host: 'tcp://10.0.0.5:2376', tlsVerify: true, certPath: 'nowhere' }],
      'entry 0 "a": DOCKER_TLS_VERIFY is set but',
    ],
    [
      'tlsVerify not a boolean',
      [{ name: 'a', host: 'unix:///a.sock', tlsVerify: 'yes' }],
      'tlsVerify',
    ],
    [
      'a bad apiVersion',
      [{ name: 'a', host: 'unix:///a.sock', apiVersion: 'v2' }],
      'entry 0 "a": "v2" is not an Engine API version',
    ],
    [
      'sshKey on a unix engine',
      [{ name: 'a', host: 'unix:///a.sock', sshKey: '/k' }],
      'entry 0 "a": sshKey needs an ssh:// host',
    ],
  ])('refuses %s', (_what, entries, message) => {
    expect(refusal(entries)).toContain(message);
  });

  it('is read by loadConfig instead of DOCKER_HOST; its unix sockets join the policy', () => {
    const path = file('two.json', [
      { name: 'host', host: 'unix:///var/run/docker.sock' },
      { name: 'lab', host: 'unix:///tmp/lab.sock', default: true },
    ]);
    const config = loadConfig({ WHARF_ENGINES_FILE: path, DOCKER_HOST: 'tcp://192.0.2.1:2375' });
    expect(config.engines.file).toBe(path);
    expect(config.engines.defaultName).toBe('lab');
    expect(config.policy.dockerSockets).toContain('/tmp/lab.sock');
    // Without the file: one engine, `local`, from DOCKER_HOST.
    expect(loadConfig({ DOCKER_HOST: 'unix:///tmp/x.sock' }).engines).toMatchObject({
      file: undefined,
      defaultName: 'local',
      list: [{ name: 'local', endpoint: { socketPath: '/tmp/x.sock' } }],
    });
    expect(
      thrown(() => loadConfig({ WHARF_ENGINES_FILE: join(dir, 'missing.json') })),
    ).toMatchObject({ message: expect.stringContaining('cannot read WHARF_ENGINES_FILE') });
  });

  it("checks tokens' engines against the configured engines, naming the token", () => {
    const engines = file('engines.json', [
      { name: 'host', host: 'unix:///var/run/docker.sock' },
      { name: 'lab', host: 'unix:///tmp/lab.sock' },
    ]);
    const token = (name: string, list: unknown) => ({
      name,
      role: 'viewer',
      token: `${name}-token-0123456789`,
      engines: list,
    });
    const good = file('tokens-good.json', [token('lab-only', ['lab'])]);
    expect(
      loadConfig({ WHARF_ENGINES_FILE: engines, WHARF_TOKENS_FILE: good }).tokens?.entries[0],
    ).toMatchObject({ name: 'lab-only', engines: ['lab'] });
    const bad = file('tokens-bad.json', [token('ci', ['lab']), token('stray', ['lab', 'prod'])]);
    expect(
      thrown(() => loadConfig({ WHARF_ENGINES_FILE: engines, WHARF_TOKENS_FILE: bad })),
    ).toMatchObject({
      message: expect.stringContaining('entry 1 "stray": engines: no engine named "prod"'),
    });
    // Without an engines file the one engine is `local`.
    expect(thrown(() => loadConfig({ WHARF_TOKENS_FILE: good }))).toMatchObject({
      message: expect.stringContaining('"lab-only": engines: no engine named "lab"'),
    });
    for (const list of [[], 'lab', [1]]) {
      expect(() => parseTokens(JSON.stringify([token('odd', list)]))).toThrow(
        'engines must be a non-empty list of engine names',
      );
    }
  });

  it("carries a token's engines on its principal; no list means every engine", () => {
    const store = new TokenStore(
      parseTokens(
        JSON.stringify([
          { name: 'lab', role: 'viewer', token: 'lab-token-0123456789', engines: ['lab'] },
          { name: 'all', role: 'viewer', token: 'all-token-0123456789' },
        ]),
      ),
    );
    expect(store.authenticate('lab-token-0123456789')).toMatchObject({ engines: ['lab'] });
    expect(store.authenticate('all-token-0123456789')).not.toHaveProperty('engines');
  });
});
