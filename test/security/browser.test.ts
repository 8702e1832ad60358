import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FIXTURE_IMAGE, TEST_LABEL, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { rawHead, rawRequest, tryUpgrade } from '../helpers/raw-http.ts';

/**
 * Issue 7, finding 1: a web page must not reach the engine through Wharf. Each attack is what a
 * browser would send from another site (or after DNS rebinding); each must be refused with no
 * container created, while ordinary clients (curl, graphql-ws, GraphiQL itself) keep working.
 */

const scope = testScope('browser');
const ALLOWED = 'http://allowed.example';
const EVIL = 'http://evil.example';
const CSRF = 'x-graphql-yoga-csrf';
let gateway: TestGateway;
let host: string;

beforeAll(async () => {
  gateway = await startGateway({
    http: { corsOrigins: [ALLOWED], publicHosts: ['wharf.internal'] },
  });
  host = new URL(gateway.url).host;
});

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

/** A containerCreate an attacker would love to run; labelled so the test can look for it. */
function createMutation(hint: string): string {
  return `mutation { containerCreate(input: { image: "${FIXTURE_IMAGE}", name: "${scope.name(hint)}", cmd: ["true"], labels: [{ key: "${TEST_LABEL}", value: "${scope.run}" }] }) { dockerId } }`;
}

async function createdContainers(): Promise<string> {
  return docker('ps', '-aq', '--filter', `label=${scope.label}`);
}

function jsonPost(body: unknown, headers: Record<string, string> = {}) {
  return rawRequest(gateway.url, '/graphql', {
    method: 'POST',
    headers: { host, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};

describe('attacks from a web page are refused', () => {
  it('refuses a form-urlencoded POST with 415 and creates nothing', async () => {
    const body = new URLSearchParams({ query: createMutation('form') }).toString();
    const response = await rawRequest(gateway.url, '/graphql', {
      method: 'POST',
      headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(response.status).toBe(415);
    // The same form posted by a page on another site is refused for its Origin already.
    const fromPage = await rawRequest(gateway.url, '/graphql', {
      method: 'POST',
      headers: { host, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(fromPage.status).toBe(403);
    expect(await createdContainers()).toBe('');
  });

  it('refuses a multipart POST with 415 and creates nothing', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: createMutation('multipart') }));
    form.set('map', '{}');
    const encoded = new Response(form);
    const response = await rawRequest(gateway.url, '/graphql', {
      method: 'POST',
      headers: { host, 'content-type': encoded.headers.get('content-type') ?? '' },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(response.status).toBe(415);
    expect(await createdContainers()).toBe('');
  });

  it('refuses text/plain and bodies without a content type', async () => {
    const body = JSON.stringify({ query: createMutation('plain') });
    const variants: Record<string, string>[] = [{ host, 'content-type': 'text/plain' }, { host }];
    for (const headers of variants) {
      const response = await rawRequest(gateway.url, '/graphql', { method: 'POST', headers, body });
      expect(response.status).toBe(415);
    }
    expect(await createdContainers()).toBe('');
  });

  it('refuses a JSON POST from a foreign or opaque origin, with no CORS approval', async () => {
    for (const origin of [EVIL, 'null', `http://${host}.evil.example`]) {
      const response = await jsonPost({ query: createMutation('origin') }, { origin });
      expect(response.status).toBe(403);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    }
    expect(await createdContainers()).toBe('');
  });

  it('does not approve a CORS preflight from a foreign origin', async () => {
    const response = await rawRequest(gateway.url, '/graphql', {
      method: 'OPTIONS',
      headers: {
        host,
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-graphql-yoga-csrf',
      },
    });
    expect(response.status).toBe(403);
    for (const header of Object.keys(response.headers)) {
      expect(header).not.toMatch(/^access-control-allow/);
    }
  });

  it('refuses a WebSocket upgrade from a foreign origin before upgrading', async () => {
    const ws = `${gateway.url.replace('http', 'ws')}/graphql`;
    expect(await tryUpgrade(ws, { origin: EVIL })).toBe(403);
    expect(await tryUpgrade(ws, { origin: 'null' })).toBe(403);
  });

  it('refuses an EventSource from another site and a GET without the CSRF header', async () => {
    const subscription = encodeURIComponent('subscription { events { __typename } }');
    const fromPage = await rawHead(gateway.url, `/graphql?query=${subscription}`, {
      host,
      origin: EVIL,
      accept: 'text/event-stream',
    });
    expect(fromPage.status).toBe(403);
    // EventSource cannot set headers, so even a same-origin one lacks the CSRF header.
    const sameOrigin = await rawHead(gateway.url, `/graphql?query=${subscription}`, {
      host,
      origin: `http://${host}`,
      accept: 'text/event-stream',
    });
    expect(sameOrigin.status).toBe(403);
    // A cross-site <script src> or <img> GET carries no Origin and no custom header.
    const query = encodeURIComponent('{ containers(all: true) { edges { node { env } } } }');
    const plainGet = await rawRequest(gateway.url, `/graphql?query=${query}`, {
      headers: { host },
    });
    expect(plainGet.status).toBe(403);
    expect(plainGet.body).not.toContain('"data"');
  });

  it('refuses a rebound Host on every endpoint and on the WebSocket upgrade', async () => {
    const rebound = { host: 'evil.example:4000' };
    for (const path of ['/graphql', '/healthz', '/readyz']) {
      expect((await rawRequest(gateway.url, path, { headers: rebound })).status).toBe(421);
    }
    const post = await rawRequest(gateway.url, '/graphql', {
      method: 'POST',
      headers: { ...rebound, 'content-type': 'application/json' },
      body: JSON.stringify({ query: createMutation('rebind') }),
    });
    expect(post.status).toBe(421);
    const ws = `${gateway.url.replace('http', 'ws')}/graphql`;
    expect(await tryUpgrade(ws, { headers: rebound })).toBe(421);
    // Names that only look local are still foreign.
    for (const name of [
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      'evil.example@127.0.0.1',
    ]) {
      const response = await rawRequest(gateway.url, '/healthz', { headers: { host: name } });
      expect(response.status).toBe(421);
    }
    expect(await createdContainers()).toBe('');
  });

  it('sends the security headers on every response', async () => {
    for (const response of [
      await jsonPost({ query: '{ engine { name } }' }),
      await rawRequest(gateway.url, '/healthz', { headers: { host } }),
      await rawRequest(gateway.url, '/healthz', { headers: { host: 'evil.example' } }),
      await rawRequest(gateway.url, '/graphql', { headers: { host, accept: 'text/html' } }),
    ]) {
      expect(response.headers).toMatchObject(SECURITY_HEADERS);
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    }
  });
});

describe('ordinary clients keep working', () => {
  it('answers a JSON POST without Origin (curl) and runs the mutation', async () => {
    const response = await jsonPost(
      { query: createMutation('curl') },
      { accept: 'application/graphql-response+json' },
    );
    expect(response.status).toBe(200);
    const { data } = JSON.parse(response.body) as {
      data: { containerCreate: { dockerId: string } };
    };
    expect(await createdContainers()).toBe(data.containerCreate.dockerId.slice(0, 12));
    await docker('rm', '-f', data.containerCreate.dockerId);
  });

  it('answers a same-origin POST (GraphiQL) without CORS headers', async () => {
    const response = await jsonPost({ query: '{ engine { name } }' }, { origin: `http://${host}` });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { engine: { name: 'local' } } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts loopback names and WHARF_PUBLIC_HOSTS as Host', async () => {
    const port = new URL(gateway.url).port;
    for (const name of [
      'localhost',
      '127.0.0.1',
      '127.1.2.3',
      '[::1]',
      'wharf.internal',
      'LOCALHOST',
    ]) {
      for (const value of [name, `${name}:${port}`]) {
        const response = await rawRequest(gateway.url, '/healthz', { headers: { host: value } });
        expect(response.status, value).toBe(200);
      }
    }
    // A public name's own origin is same-origin.
    const response = await jsonPost(
      { query: '{ engine { name } }' },
      { host: 'wharf.internal', origin: 'https://wharf.internal' },
    );
    expect(response.status).toBe(200);
  });

  it('approves an allowlisted origin exactly, without credentials unless configured', async () => {
    const preflight = await rawRequest(gateway.url, '/graphql', {
      method: 'OPTIONS',
      headers: {
        host,
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const post = await jsonPost({ query: '{ engine { name } }' }, { origin: ALLOWED });
    expect(post.status).toBe(200);
    expect(post.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(post.headers['access-control-allow-credentials']).toBeUndefined();
    // Exact match: a longer origin or another scheme is foreign.
    for (const origin of [
      `${ALLOWED}:8080`,
      'https://allowed.example',
      `${ALLOWED}.evil.example`,
    ]) {
      expect((await jsonPost({ query: '{ engine { name } }' }, { origin })).status).toBe(403);
    }

    const withCredentials = await startGateway({
      http: { corsOrigins: [ALLOWED], corsCredentials: true },
    });
    try {
      const answer = await rawRequest(withCredentials.url, '/graphql', {
        method: 'POST',
        headers: { origin: ALLOWED, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ engine { name } }' }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(answer.headers['access-control-allow-credentials']).toBe('true');
    } finally {
      await withCredentials.stop();
    }
  });

  it('accepts graphql-ws clients without Origin, same-origin and allowlisted', async () => {
    const ws = `${gateway.url.replace('http', 'ws')}/graphql`;
    expect(await tryUpgrade(ws)).toBe('open');
    expect(await tryUpgrade(ws, { origin: `http://${host}` })).toBe('open');
    expect(await tryUpgrade(ws, { origin: ALLOWED })).toBe('open');
    const results = [];
    for await (const result of gateway.subscribe('{ engine { name } }')) results.push(result);
    expect(results).toEqual([{ data: { engine: { name: 'local' } } }]);
  });

  it('streams SSE over GET with the CSRF header, and over a JSON POST without it', async () => {
    const name = await scope.shell('sse', 'echo hello; sleep 600');
    const subscription = `subscription { containerLogs(ref: "${name}", follow: false) { __typename ... on LogLines { lines { text } } } }`;
    const get = await rawHead(gateway.url, `/graphql?query=${encodeURIComponent(subscription)}`, {
      host,
      accept: 'text/event-stream',
      [CSRF]: '1',
    });
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toMatch(/^text\/event-stream/);
    const post = await rawRequest(gateway.url, '/graphql', {
      method: 'POST',
      headers: { host, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: subscription }),
    });
    expect(post.status).toBe(200);
    expect(post.body).toContain('hello');
  });

  it('answers a GET query that carries the CSRF header', async () => {
    const query = encodeURIComponent('{ engine { name } }');
    const response = await rawRequest(gateway.url, `/graphql?query=${query}`, {
      headers: { host, [CSRF]: '1', accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { engine: { name: 'local' } } });
  });
});

describe('GraphiQL', () => {
  it('is served from the package with a CSP that allows no remote script', async () => {
    const page = await rawRequest(gateway.url, '/graphql', {
      headers: { host, accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain('GraphiQL');
    expect(page.body).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|unpkg\.com|jsdelivr/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
    expect(csp).toMatch(/default-src 'none'/);
  });

  it('is off with graphiql: false', async () => {
    const off = await startGateway({ http: { graphiql: false } });
    try {
      const page = await rawRequest(off.url, '/graphql', { headers: { accept: 'text/html' } });
      expect(page.body).not.toContain('GraphiQL');
      expect(page.status).not.toBe(200);
    } finally {
      await off.stop();
    }
  });
});
