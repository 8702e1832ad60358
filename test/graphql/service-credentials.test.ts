import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/model/policy/policy-config.ts';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/*
 * A service's image credentials, on the wire: the digest lookup and the create both carry them.
 * (The swarm suites run on a private engine, which cannot reach a registry on the host's
 * loopback; this fake engine records what a real one would be sent.)
 */

const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = `registry.test:5000/team/app:1@${DIGEST}`;
const SERVICE = {
  ID: 'svc1',
  Version: { Index: 3 },
  Spec: {
    Name: 'web',
    Labels: {},
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: { ContainerSpec: { Image: IMAGE } },
  },
};
let dir: string;
let fake: FakeEngine;
let gateway: TestGateway;
let operator: TestGateway;
const seen: { path: string; auth: unknown; image?: string }[] = [];

const decode = (header: string | string[] | undefined) =>
  typeof header === 'string'
    ? JSON.parse(Buffer.from(header.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString())
    : undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-service-credentials-'));
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ auths: { 'registry.test:5000': { username: 'ci', password: 's3cret' } } }),
  );
  fake = await startFakeEngine((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/_ping') return sendPing(res, '1.41');
    if (path.startsWith('/v1.41/distribution/')) {
      seen.push({ path, auth: decode(req.headers['x-registry-auth']) });
      return sendJson(res, 200, { Descriptor: { digest: DIGEST } });
    }
    if (req.method === 'GET' && path === '/v1.41/services/web') return sendJson(res, 200, SERVICE);
    if (path === '/v1.41/services/create' || path === '/v1.41/services/svc1/update') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const spec = JSON.parse(body) as { TaskTemplate: { ContainerSpec: { Image: string } } };
        seen.push({
          path,
          auth: decode(req.headers['x-registry-auth']),
          image: spec.TaskTemplate.ContainerSpec.Image,
        });
        sendJson(res, 500, { message: 'recorded' });
      });
      return;
    }
    sendJson(res, 404, { message: 'not here' });
  });
  const options = {
    dockerHost: `unix://${fake.socketPath}`,
    registryAuth: { dockerConfig: join(dir, 'config.json') },
  };
  gateway = await startGateway(options);
  operator = await startGateway({
    ...options,
    principal: { kind: 'token', name: 'op', role: 'operator', labels: [] },
    // The registry is allowed: what refuses is the client's credentials.
    policy: { ...DEFAULT_POLICY, registryAllow: ['registry.test:5000'] },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await operator?.stop();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('serviceCreate with a private image', () => {
  it('sends the registry credentials to the digest lookup and the create, never back', async () => {
    const result = await gateway.query(`mutation {
      serviceCreate(input: { name: "private", image: "registry.test:5000/team/app:1" }) {
        service { name }
      }
    }`);
    expect(result.errors?.[0]?.message).toBe('recorded');
    const auth = { username: 'ci', password: 's3cret', serveraddress: 'registry.test:5000' };
    expect(seen).toEqual([
      { path: '/v1.41/distribution/registry.test:5000/team/app:1/json', auth },
      {
        path: '/v1.41/services/create',
        auth,
        image: `registry.test:5000/team/app:1@${DIGEST}`,
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it("sends an admin's own credentials instead, and refuses them from an operator before any call", async () => {
    seen.length = 0;
    const CREATE = `mutation {
      serviceCreate(
        input: { name: "private", image: "registry.test:5000/team/app:1" },
        auth: { username: "me", password: "mine" }
      ) { service { name } }
    }`;
    const refused = await operator.query(CREATE);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'registry.client-credentials',
    });
    expect(seen).toEqual([]);

    expect((await gateway.query(CREATE)).errors?.[0]?.message).toBe('recorded');
    const own = { username: 'me', password: 'mine', serveraddress: 'registry.test:5000' };
    expect(seen.map(({ auth }) => auth)).toEqual([own, own]);
  });
});

describe('serviceUpdate', () => {
  it("sends an admin's own credentials with an update that keeps the image", async () => {
    seen.length = 0;
    const result = await gateway.query(`mutation {
      serviceUpdate(ref: "web", input: { replicas: 2 }, auth: { identityToken: "tok" }) {
        service { name }
      }
    }`);
    expect(result.errors?.[0]?.message).toBe('recorded');
    expect(seen).toEqual([
      {
        path: '/v1.41/services/svc1/update',
        auth: { identitytoken: 'tok', serveraddress: 'registry.test:5000' },
        image: IMAGE,
      },
    ]);
    // Without credentials of its own, an update that keeps the image sends none.
    seen.length = 0;
    await gateway.query(
      'mutation { serviceUpdate(ref: "web", input: { replicas: 2 }) { service { name } } }',
    );
    expect(seen).toEqual([{ path: '/v1.41/services/svc1/update', auth: undefined, image: IMAGE }]);
  });
});
