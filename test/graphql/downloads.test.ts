import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarDecoder } from '../../src/engine/decode/tar.ts';
import { docker, dockerStreams, eventually, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

const scope = testScope('downloads');
const ORIGIN = 'http://app.example';
let gateway: TestGateway;
let box: string;
let talker: string;

const MiB = 1024 * 1024;

function download(path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}/download/containers/${path}`, {
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
  });
}

const fileOf = (ref: string, path: string) =>
  `${encodeURIComponent(ref)}/file?path=${encodeURIComponent(path)}`;

async function errorCode(response: Response) {
  return ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]
    ?.extensions.code;
}

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore(), http: { corsOrigins: [ORIGIN] } });
  box = await scope.shell(
    'box',
    'mkdir -p /data/d/sub && echo a > /data/d/a && echo b > /data/d/sub/b && dd if=/dev/urandom of=/data/big bs=1M count=5 2>/dev/null && touch /ready && exec sleep 600',
  );
  talker = await scope.shell(
    'talker',
    // The engine keeps a line without its newline until the output closes: the talker exits.
    'for i in 1 2 3; do echo "out $i"; echo "err $i" >&2; done; printf "no newline"',
  );
  await eventually('the fixture files', async () =>
    (await docker('exec', box, 'ls', '/')).includes('ready') ? true : undefined,
  );
  await eventually('the talker’s lines', async () =>
    (await dockerStreams('logs', talker)).out.includes('no newline') ? true : undefined,
  );
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

describe('GET /download/containers/<ref>/file', () => {
  it('streams a 5 MiB file byte for byte, with its name and length', async () => {
    const streams = gateway.engine.openStreams;
    const response = await download(fileOf(box, '/data/big'), TOKENS.operator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="big"; filename*=UTF-8''big`,
    );
    expect(response.headers.get('content-length')).toBe(String(5 * MiB));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await response.arrayBuffer());
    const expected = (await docker('exec', box, 'sha256sum', '/data/big')).split(' ')[0];
    expect(bytes.length).toBe(5 * MiB);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected);
    await expect.poll(() => gateway.engine.openStreams).toBe(streams);
  });

  it('takes a global id as the ref', async () => {
    const id = await docker('inspect', '-f', '{{.Id}}', box);
    const globalId = Buffer.from(`Container:local/${id}`).toString('base64');
    const response = await download(fileOf(globalId, '/data/d/a'), TOKENS.operator);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('a\n');
  });

  it('streams a directory as the engine’s tar', async () => {
    const response = await download(fileOf(box, '/data/d'), TOKENS.operator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    expect(response.headers.get('content-disposition')).toMatch(/filename="d\.tar"/);
    const decoder = new TarDecoder();
    const names = decoder
      .push(Buffer.from(await response.arrayBuffer()))
      .flatMap((event) => (event.kind === 'entry' ? [event.header.name] : []));
    expect(names).toEqual(['d/', 'd/a', 'd/sub/', 'd/sub/b']);
    expect(decoder.finished).toBe(true);
  });

  it('writes one audit line with the bytes sent', async () => {
    const before = gateway.audits.length;
    const response = await download(fileOf(box, '/data/d/a'), TOKENS.operator);
    await response.text();
    await expect.poll(() => gateway.audits.length).toBe(before + 1);
    const id = await docker('inspect', '-f', '{{.Id}}', box);
    expect(gateway.audits.at(-1)).toMatchObject({
      principal: 'ci',
      operation: 'download.file',
      decision: 'allow',
      targets: [`local/${id}`],
      details: { bytes: 2 },
    });
  });

  it('is 401 without a token, and with a token in the URL', async () => {
    const none = await download(fileOf(box, '/data/d/a'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorCode(none)).toBe('UNAUTHENTICATED');
    const inUrl = await download(`${fileOf(box, '/data/d/a')}&token=${TOKENS.operator}`);
    expect(inUrl.status).toBe(401);
  });

  it('is 403 for a viewer: file contents are operator’s', async () => {
    const response = await download(fileOf(box, '/proc/1/environ'), TOKENS.viewer);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('FORBIDDEN');
    expect(gateway.audits.at(-1)).toMatchObject({
      principal: 'dash',
      operation: 'download.file',
      decision: 'deny',
      rule: 'role.operator',
    });
  });

  it.each([
    ['an unknown container', () => fileOf(`${scope.run}-none`, '/etc/hostname'), 404, 'NOT_FOUND'],
    ['a missing path', () => fileOf(box, '/data/none'), 404, 'NOT_FOUND'],
    ['a path with ..', () => fileOf(box, '/data/../etc/shadow'), 400, 'BAD_USER_INPUT'],
    ['no path', () => `${encodeURIComponent(box)}/file`, 400, 'BAD_USER_INPUT'],
  ])('answers %s', async (_, path, status, code) => {
    const response = await download(path(), TOKENS.operator);
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
  });
});

describe('GET /download/containers/<ref>/logs', () => {
  it('is the whole log as text, stdout and stderr demultiplexed', async () => {
    const response = await download(`${encodeURIComponent(talker)}/logs`, TOKENS.viewer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${talker}.log"`),
    );
    const lines = (await response.text()).split('\n');
    const { out, err } = await dockerStreams('logs', talker);
    const expected = [...out.split('\n'), ...err.split('\n')].filter((line) => line !== '');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).sort()).toEqual(expected.sort());
  });

  it('puts each line’s timestamp first when asked, and keeps one stream', async () => {
    const response = await download(
      `${encodeURIComponent(talker)}/logs?timestamps=1&stderr=0`,
      TOKENS.viewer,
    );
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines)
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (out \d|no newline)$/);
  });

  it('is 404 for an unknown container and 400 for a bad flag', async () => {
    expect((await download(`${scope.run}-none/logs`, TOKENS.viewer)).status).toBe(404);
    expect(
      (await download(`${encodeURIComponent(talker)}/logs?stdout=maybe`, TOKENS.viewer)).status,
    ).toBe(400);
  });
});

describe('browser defences', () => {
  it('answers a CORS preflight for a configured origin, and exposes the file name', async () => {
    const preflight = await fetch(
      `${gateway.url}/download/containers/${fileOf(box, '/data/d/a')}`,
      {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      },
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const response = await download(fileOf(box, '/data/d/a'), TOKENS.operator, { origin: ORIGIN });
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/content-disposition/);
    await response.text();
  });

  it('refuses a foreign origin before anything else', async () => {
    const response = await download(fileOf(box, '/data/d/a'), TOKENS.operator, {
      origin: 'http://evil.example',
    });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('FORBIDDEN_ORIGIN');
  });

  it('without tokens, wants the CSRF header a page cannot send without a preflight', async () => {
    const open = await startGateway();
    try {
      const url = `${open.url}/download/containers/${fileOf(box, '/data/d/a')}`;
      const bare = await fetch(url);
      expect(bare.status).toBe(403);
      const withHeader = await fetch(url, { headers: { 'x-graphql-yoga-csrf': '1' } });
      expect(withHeader.status).toBe(200);
      expect(await withHeader.text()).toBe('a\n');
    } finally {
      await open.stop();
    }
  });
});

describe('stream caps', () => {
  /** 64 MiB in the box: more than the sockets between a download and an unread client hold. */
  const hugeFile = () =>
    docker(
      'exec',
      box,
      'sh',
      '-c',
      'test -f /data/huge || dd if=/dev/zero of=/data/huge bs=1M count=64 2>/dev/null',
    );

  it('cuts a client that reads nothing for the stall time: its engine stream ends, audited as SLOW_CONSUMER', async () => {
    const slow = await startGateway({ tokens: tokenStore(), downloadStallMs: 500 });
    try {
      await hugeFile();
      const streams = slow.engine.openStreams;
      const url = `${slow.url}/download/containers/${fileOf(box, '/data/huge')}`;
      // Not read: the socket's buffers fill, and the download waits for a drain that never comes.
      const held = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.operator}` } });
      expect(held.status).toBe(200);
      await expect.poll(() => slow.engine.openStreams, { timeout: 15_000 }).toBe(streams);
      expect(slow.audits.at(-1)).toMatchObject({
        operation: 'download.file',
        decision: 'allow',
        details: { error: 'SLOW_CONSUMER' },
      });
      // What arrived is short of the length the answer promised: the client sees the cut.
      await expect(held.arrayBuffer()).rejects.toThrow();
    } finally {
      await slow.stop();
    }
  });

  it('counts a download as an engine stream and frees it when the client leaves', async () => {
    const capped = await startGateway({ tokens: tokenStore(), streams: { maxEngineStreams: 2 } });
    try {
      await hugeFile();
      const streams = capped.engine.openStreams;
      const controller = new AbortController();
      const url = `${capped.url}/download/containers/${fileOf(box, '/data/huge')}`;
      const headers = { authorization: `Bearer ${TOKENS.operator}` };
      // Not read: the engine stream stays open behind the client's back-pressure.
      const held = await fetch(url, { headers, signal: controller.signal });
      expect(held.status).toBe(200);
      // Another container: the engine locks one whose archive is being read until it ends.
      const refused = await fetch(
        `${capped.url}/download/containers/${encodeURIComponent(talker)}/logs`,
        { headers },
      );
      expect(refused.status).toBe(429);
      expect(await errorCode(refused)).toBe('TOO_MANY_STREAMS');
      controller.abort();
      await expect.poll(() => capped.engine.openStreams, { timeout: 10_000 }).toBe(streams);
      const again = await fetch(`${capped.url}/download/containers/${fileOf(box, '/data/d/a')}`, {
        headers,
      });
      expect(again.status).toBe(200);
      await again.text();
    } finally {
      await capped.stop();
    }
  });
});
