import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { createLogger } from '../../src/log.ts';
import { DEFAULT_POLICY } from '../../src/model/policy/policy-config.ts';
import { docker, FIXTURE_IMAGE } from '../helpers/docker.ts';
import { within } from '../helpers/fake-engine.ts';
import { type GatewayOptions, startGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Registry, startRegistry } from '../helpers/registry.ts';

/*
 * Private registries: Debian's docker-registry with htpasswd auth in front of the host engine.
 * Wharf's credentials come from the docker CLI's config (as `docker login` writes it), from
 * WHARF_REGISTRY_AUTH_FILE, or from a docker-credential-* helper; clients never see them.
 */

const run = randomBytes(4).toString('hex');
const USER = `wharf-${run}`;
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const REPO = `wharf-auth-${run}`;
const TOKENS = {
  operator: `op-${run}-0123456789`,
  admin: `ad-${run}-0123456789`,
  tenant: `te-${run}-0123456789`,
};

let registry: Registry;
let work: string;
const gateways: TestGateway[] = [];
const logLines: string[] = [];
/** Local tags the tests made; removed at the end (the image itself is the fixture). */
const tags = new Set<string>();

async function gatewayWith(options: GatewayOptions): Promise<TestGateway> {
  const gateway = await startGateway({
    logger: createLogger('debug', (line) => {
      logLines.push(line);
      return true;
    }),
    tokens: new TokenStore(
      parseTokens(
        JSON.stringify([
          { name: 'ci', role: 'operator', token: TOKENS.operator },
          { name: 'root', role: 'admin', token: TOKENS.admin },
          { name: 'team', role: 'operator', token: TOKENS.tenant, labels: [`team=t-${run}`] },
        ]),
      ),
    ),
    policy: { ...DEFAULT_POLICY, registryAllow: [registry.address] },
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

/** A docker CLI config dir holding `config`. */
async function configDir(name: string, config: unknown): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');

let seeded: string;
let withLogin: TestGateway;
let without: TestGateway;

beforeAll(async () => {
  registry = await startRegistry({ htpasswd: { username: USER, password: PASSWORD } });
  work = await mkdtemp(join(tmpdir(), 'wharf-registry-auth-'));
  seeded = await registry.push(FIXTURE_IMAGE, `${REPO}:seed`);
  withLogin = await gatewayWith({
    registryAuth: { dockerConfig: join(registry.cliConfigDir ?? '', 'config.json') },
  });
  without = await gatewayWith({
    registryAuth: { dockerConfig: join(await configDir('none', {}), 'config.json') },
  });
});

afterAll(async () => {
  for (const tag of tags) await docker('rmi', tag).catch(() => undefined);
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

type Errors = { message: string; extensions?: { code?: string; rule?: string } }[];

async function pull(gateway: TestGateway, ref: string, token = TOKENS.admin, auth?: unknown) {
  tags.add(ref);
  return gateway.query<{ imagePull: { dockerId: string; tags: string[] } }>(
    `mutation ($ref: String!, $auth: RegistryAuthInput) {
      imagePull(ref: $ref, auth: $auth) { dockerId tags }
    }`,
    { ref, auth },
    token,
  );
}

const codeOf = (result: { errors?: Errors }) => result.errors?.[0]?.extensions?.code;

/** The digest the registry stores a tag as, asked with the user's credentials. */
async function registryDigest(repo: string, tag: string): Promise<string | null> {
  const response = await fetch(`http://${registry.address}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${basic(USER, PASSWORD)}`,
      accept: 'application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  return response.headers.get('docker-content-digest');
}

describe('private registry credentials', () => {
  it('pulls with the credentials docker login wrote; without them the registry refuses', async () => {
    const refused = await pull(without, seeded);
    expect(codeOf(refused)).toBe('PULL_FAILED');
    expect(refused.errors?.[0]?.message).toMatch(/no basic auth credentials|unauthorized/);
    await expect(docker('image', 'inspect', seeded)).rejects.toThrow(/No such image/);

    const pulled = await pull(withLogin, seeded, TOKENS.operator);
    expect(pulled.errors).toBeUndefined();
    expect(pulled.data?.imagePull.tags).toContain(seeded);
    // The docker CLI sees the pulled tag on the fixture image.
    expect(await docker('image', 'inspect', '-f', '{{.Id}}', seeded)).toBe(
      await docker('image', 'inspect', '-f', '{{.Id}}', FIXTURE_IMAGE),
    );
  });

  it('pushes a tag, streaming progress, and answers the digest the registry stores', async () => {
    const ref = `${registry.address}/${REPO}:pushed`;
    await docker('tag', FIXTURE_IMAGE, ref);
    tags.add(ref);
    const events: {
      __typename: string;
      status?: string;
      result?: { tag: string; digest: string; size: number };
    }[] = [];
    const stream = withLogin.subscribe<{ imagePush: (typeof events)[number] }>(
      `subscription ($ref: String!) {
        imagePush(ref: $ref) {
          __typename
          ... on PullProgress { status layerId percent }
          ... on PushDone { result { tag digest size image { dockerId } } }
        }
      }`,
      { ref },
      withLogin.wsClient(TOKENS.operator),
    );
    await within(
      (async () => {
        for await (const result of stream) {
          if (result.errors) throw new Error(JSON.stringify(result.errors));
          const event = result.data?.imagePush;
          if (event) events.push(event);
          if (event?.__typename === 'PushDone') break;
        }
      })(),
      60_000,
      'the push',
    );
    const done = events.at(-1);
    expect(done?.__typename).toBe('PushDone');
    expect(events.filter((event) => event.__typename === 'PullProgress').length).toBeGreaterThan(0);
    expect(done?.result?.tag).toBe('pushed');
    expect(done?.result?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(done?.result?.digest).toBe(await registryDigest(REPO, 'pushed'));
    expect(done?.result?.size).toBeGreaterThan(0);

    // The mutation answers at the end, with the same shape.
    const again = `${registry.address}/${REPO}:again`;
    await docker('tag', FIXTURE_IMAGE, again);
    tags.add(again);
    const pushed = await withLogin.query<{ imagePush: { tag: string; digest: string } }>(
      `mutation ($ref: String!) { imagePush(ref: $ref) { tag digest } }`,
      { ref: again },
      TOKENS.operator,
    );
    expect(pushed.errors).toBeUndefined();
    expect(pushed.data?.imagePush.digest).toBe(await registryDigest(REPO, 'again'));

    // Without credentials the registry refuses the push.
    const refused = await without.query(
      `mutation ($ref: String!) { imagePush(ref: $ref) { digest } }`,
      { ref: again },
      TOKENS.admin,
    );
    expect(codeOf(refused)).toBe('PUSH_FAILED');
    expect(refused.errors?.[0]?.message).toMatch(/no basic auth credentials|unauthorized/);
  });

  it('asks WHARF_REGISTRY_AUTH_FILE before the docker config, and credential helpers on PATH', async () => {
    const wrong = await configDir('wrong', {
      auths: { [registry.address]: { auth: basic(USER, 'not-the-password') } },
    });
    const authFile = join(work, 'registry-auth.json');
    await writeFile(
      authFile,
      JSON.stringify({
        auths: { [`http://${registry.address}`]: { username: USER, password: PASSWORD } },
      }),
    );
    const both = await gatewayWith({
      registryAuth: { authFile, dockerConfig: join(wrong, 'config.json') },
    });
    expect((await pull(both, seeded)).errors).toBeUndefined();
    const onlyWrong = await gatewayWith({
      registryAuth: { dockerConfig: join(wrong, 'config.json') },
    });
    expect(codeOf(await pull(onlyWrong, seeded))).toBe('PULL_FAILED');

    // A helper as docker-credential-helpers write them: the server address on stdin, JSON out.
    const bin = join(work, 'bin');
    await mkdir(bin);
    const asked = join(work, 'helper-asked');
    const helper = join(bin, `docker-credential-wharf${run}`);
    await writeFile(
      helper,
      [
        '#!/bin/sh',
        `[ "$1" = get ] || exit 2`,
        `read -r server; printf %s "$server" > ${asked}`,
        `[ "$server" = "${registry.address}" ] || { echo "credentials not found in native keychain"; exit 1; }`,
        `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"`,
        '',
      ].join('\n'),
    );
    await chmod(helper, 0o755);
    const viaHelper = await configDir('helper', {
      credHelpers: { [registry.address]: `wharf${run}` },
    });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const helped = await gatewayWith({
      registryAuth: { dockerConfig: join(viaHelper, 'config.json'), env },
    });
    expect((await pull(helped, seeded)).errors).toBeUndefined();
    expect(await readFile(asked, 'utf8')).toBe(registry.address);

    // A helper that fails says which, and nothing is sent.
    const failing = join(bin, `docker-credential-broken${run}`);
    await writeFile(failing, '#!/bin/sh\necho "keychain locked" >&2\nexit 3\n');
    await chmod(failing, 0o755);
    const broken = await configDir('broken', { credsStore: `broken${run}` });
    const brokenGateway = await gatewayWith({
      registryAuth: { dockerConfig: join(broken, 'config.json'), env },
    });
    const failed = await pull(brokenGateway, seeded);
    expect(codeOf(failed)).toBe('CREDENTIALS_UNAVAILABLE');
    expect(failed.errors?.[0]?.message).toContain(
      `docker-credential-broken${run} exited 3: keychain locked`,
    );
  });

  it('takes credentials from clients only from admin, and never logs, audits or answers them', async () => {
    const auth = { username: USER, password: PASSWORD };
    const operator = await pull(without, seeded, TOKENS.operator, auth);
    expect(codeOf(operator)).toBe('FORBIDDEN');
    expect(operator.errors?.[0]?.extensions?.rule).toBe('registry.client-credentials');
    const admin = await pull(without, seeded, TOKENS.admin, auth);
    expect(admin.errors).toBeUndefined();
    const half = await pull(without, seeded, TOKENS.admin, { username: USER });
    expect(codeOf(half)).toBe('BAD_USER_INPUT');
    const wrong = await pull(without, seeded, TOKENS.admin, { username: USER, password: 'nope' });
    expect(codeOf(wrong)).toBe('PULL_FAILED');
    expect(JSON.stringify(wrong)).not.toContain('nope');

    // Pushes reach only listed registries below admin, and a tenant pushes only its own images.
    const unlisted = await withLogin.query(
      `mutation { imagePush(ref: "127.0.0.1:9/${REPO}:x") { digest } }`,
      {},
      TOKENS.operator,
    );
    expect(unlisted.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'push.registry',
    });
    const tenant = await withLogin.query(
      `mutation ($ref: String!) { imagePush(ref: $ref) { digest } }`,
      { ref: seeded },
      TOKENS.tenant,
    );
    expect(codeOf(tenant)).toBe('FORBIDDEN');
    const digest = await withLogin.query(
      `mutation { imagePush(ref: "${seeded.replace(':seed', `@sha256:${'0'.repeat(64)}`)}") { digest } }`,
      {},
      TOKENS.admin,
    );
    expect(codeOf(digest)).toBe('BAD_USER_INPUT');

    const everything = [
      ...logLines,
      ...gateways.map((gateway) => JSON.stringify(gateway.audits)),
    ].join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(everything).toContain('imagePush');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(basic(USER, PASSWORD));
  });
});
