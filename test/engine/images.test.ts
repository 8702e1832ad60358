import { afterEach, describe, expect, it } from 'vitest';
import { createEngineApi } from '../../src/engine/api.ts';
import { pullImage, splitImageRef } from '../../src/engine/images.ts';
import { createTransport, type Transport } from '../../src/engine/transport.ts';
import { type FakeEngine, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';

describe('splitImageRef', () => {
  it.each([
    ['busybox', { fromImage: 'busybox', tag: 'latest' }],
    ['busybox:1.36', { fromImage: 'busybox', tag: '1.36' }],
    ['127.0.0.1:5000/team/app', { fromImage: '127.0.0.1:5000/team/app', tag: 'latest' }],
    ['127.0.0.1:5000/team/app:v2', { fromImage: '127.0.0.1:5000/team/app', tag: 'v2' }],
    [`app@sha256:${'a'.repeat(64)}`, { fromImage: 'app', tag: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (ref, expected) => {
    expect(splitImageRef(ref)).toEqual(expected);
  });
});

describe('pullImage', () => {
  let fake: FakeEngine | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    await transport?.close();
    await fake?.close();
  });

  it('turns an error inside the HTTP 200 progress stream into PULL_FAILED', async () => {
    fake = await startFakeEngine((req, res) => {
      if (req.url === '/_ping') return sendPing(res, '1.41');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(
        '{"status":"Pulling from team/app","id":"v1"}\n{"status":"Downloading","id":"abc","progressDetail":{"current":10,"total":100}}\n',
      );
      res.end('{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\n');
    });
    transport = createTransport({
      engine: 'local',
      endpoint: { kind: 'unix', socketPath: fake.socketPath, origin: 'http://docker' },
      timeoutMs: 2_000,
      maxConnections: 2,
    });
    const seen: string[] = [];
    const pulling = (async () => {
      for await (const message of pullImage(
        createEngineApi(transport as Transport),
        'team/app:v1',
        {
          signal: new AbortController().signal,
        },
      )) {
        seen.push(message.status ?? '');
      }
    })();
    await expect(pulling).rejects.toMatchObject({ code: 'PULL_FAILED', message: 'unexpected EOF' });
    expect(seen).toEqual(['Pulling from team/app', 'Downloading']);
    expect(fake.requests.at(-1)?.url).toBe('/v1.41/images/create?fromImage=team%2Fapp&tag=v1');
  });
});
