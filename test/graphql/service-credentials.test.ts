import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/*
 * A service's image credentials, on the wire: the digest lookup and the create both carry them.
 * (The swarm suites run on a private engine, which cannot reach a registry on the host's
 * loopback; this fake engine records what a real one would be sent.)
 */

const DIGEST = `sha256:${'d'.repeat(64)}`;
let dir: string;
let fake: FakeEngine;
let gateway: TestGateway;
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
    if (path === '/v1.41/services/create') {
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
  gateway = await startGateway({
    dockerHost: `unix://${fake.socketPath}`,
    registryAuth: { dockerConfig: join(dir, 'config.json') },
  });
});

afterAll(async () => {
  await gateway?.stop();
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
});
