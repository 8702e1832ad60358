import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseTokens } from '../../src/auth/tokens.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenEntries, tokenStore } from '../helpers/tokens.ts';

const QUERY = '{ engine { name } }';

/** A raw graphql-ws socket: sends connection_init with `payload` (none when undefined); its close code. */
function wsClose(url: string, payload: Record<string, unknown> | undefined): Promise<number> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  socket.on('open', () => {
    if (payload) socket.send(JSON.stringify({ type: 'connection_init', payload }));
  });
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('authentication with a tokens file', () => {
  let gateway: TestGateway;
  let wsUrl: string;
  const tokens = tokenStore();

  beforeAll(async () => {
    gateway = await startGateway({ tokens, streams: { wsInitTimeoutMs: 500 } });
    wsUrl = `${gateway.url.replace('http', 'ws')}/graphql`;
  });
  afterAll(() => gateway?.stop());

  /** The audit lines `run` wrote, and its result. */
  async function audited<T>(run: () => Promise<T>) {
    const start = gateway.audits.length;
    const result = await run();
    return { result, lines: gateway.audits.slice(start) };
  }

  /** The one line a refusal at the door writes: anonymous, the rule, never the token. */
  const refusal = (rule: string, transport: 'http' | 'websocket') => ({
    time: expect.any(String),
    principal: 'anonymous',
    role: null,
    operation: 'authenticate',
    decision: 'deny',
    rule,
    details: { transport },
  });

  function post(headers: Record<string, string>, path = '/graphql', query = QUERY) {
    return fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
  }

  it('answers HTTP 401 UNAUTHENTICATED without a token or with a bad one, and no engine call', async () => {
    const refused: [Record<string, string>, string][] = [
      [{}, 'auth.missing'],
      [{ authorization: 'Bearer not-a-token-0123456789' }, 'auth.invalid'],
      [{ authorization: TOKENS.admin }, 'auth.missing'],
    ];
    for (const [headers, rule] of refused) {
      const { result, lines } = await audited(() => gateway.countCalls(() => post(headers)));
      const { result: response, calls } = result;
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await response.json()) as { errors: { extensions: object }[] };
      expect(body.errors[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(calls).toEqual([]);
      expect(lines).toEqual([refusal(rule, 'http')]);
    }
    expect(JSON.stringify(gateway.audits)).not.toMatch(/not-a-token|admin-0123/);
  });

  it('refuses before parsing: a query without a token learns nothing of the schema', async () => {
    for (const query of ['{ containerz { id } }', '{']) {
      const { result: response, lines } = await audited(() => post({}, '/graphql', query));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }],
      });
      expect(lines).toEqual([refusal('auth.missing', 'http')]);
    }
  });

  it('answers with a good token', async () => {
    const response = await post({ authorization: `Bearer ${TOKENS.viewer}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { engine: { name: 'local' } } });
  });

  it('refuses a token in the URL, even beside a good header', async () => {
    for (const name of ['token', 'access_token', 'authorization']) {
      const { result: response, lines } = await audited(() =>
        post({ authorization: `Bearer ${TOKENS.admin}` }, `/graphql?${name}=${TOKENS.admin}`),
      );
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).toContain('token in the URL');
      expect(lines).toEqual([refusal('auth.token-in-url', 'http')]);
    }
    expect(JSON.stringify(gateway.audits)).not.toContain(TOKENS.admin.slice(0, 8));
  });

  it('keeps /healthz and /readyz open', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('authenticates SSE with the Authorization header', async () => {
    const subscription = 'subscription { events { __typename } }';
    const without = await post({ accept: 'text/event-stream' }, '/graphql', subscription);
    expect(without.status).toBe(401);
    await without.body?.cancel();
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${TOKENS.viewer}`,
      },
      body: JSON.stringify({ query: subscription }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    controller.abort();
  });

  it('closes a WebSocket without connection_init (4408), without a token (4401), with a bad one (4403)', async () => {
    // No connection_init is a protocol timeout, not a decision about credentials: no line.
    expect(await audited(() => wsClose(wsUrl, undefined))).toEqual({ result: 4408, lines: [] });
    expect(await audited(() => wsClose(wsUrl, {}))).toEqual({
      result: 4401,
      lines: [refusal('auth.missing', 'websocket')],
    });
    expect(
      await audited(() => wsClose(wsUrl, { authorization: 'Bearer not-a-token-0123456789' })),
    ).toEqual({ result: 4403, lines: [refusal('auth.invalid', 'websocket')] });
    // Only in the URL: refused, whatever connection_init says.
    expect(await audited(() => wsClose(`${wsUrl}?token=${TOKENS.admin}`, {}))).toEqual({
      result: 4401,
      lines: [refusal('auth.token-in-url', 'websocket')],
    });
    expect(
      await audited(() =>
        wsClose(`${wsUrl}?access_token=${TOKENS.admin}`, {
          authorization: `Bearer ${TOKENS.admin}`,
        }),
      ),
    ).toEqual({ result: 4401, lines: [refusal('auth.token-in-url', 'websocket')] });
    expect(JSON.stringify(gateway.audits)).not.toMatch(/not-a-token|admin-0123/);
  });

  it('runs operations on a WebSocket that authenticated in connection_init', async () => {
    const client = gateway.wsClient(TOKENS.viewer);
    const result = await new Promise((resolve, reject) => {
      let value: unknown;
      client.subscribe(
        { query: QUERY },
        { next: (v) => (value = v), error: reject, complete: () => resolve(value) },
      );
    });
    expect(result).toEqual({ data: { engine: { name: 'local' } } });
  });

  it('refuses the next operation on an open WebSocket once its token is revoked', async () => {
    const client = gateway.wsClient(TOKENS.operator2);
    // Holds the socket open (a lazy client closes it after its last operation).
    const held = client.subscribe(
      { query: 'subscription { events { __typename } }' },
      {
        next: () => {},
        error: () => {},
        complete: () => {},
      },
    );
    const once = () =>
      new Promise((resolve) => {
        let value: unknown;
        client.subscribe(
          { query: QUERY },
          { next: (v) => (value = v), error: resolve, complete: () => resolve(value) },
        );
      });
    expect(await once()).toEqual({ data: { engine: { name: 'local' } } });
    tokens.replace(
      parseTokens(JSON.stringify([{ name: 'dash', role: 'viewer', token: TOKENS.viewer }])),
    );
    try {
      const { result, lines } = await audited(once);
      expect(JSON.stringify(result)).toContain('UNAUTHENTICATED');
      expect(lines).toEqual([refusal('auth.invalid', 'websocket')]);
    } finally {
      held();
      tokens.replace(tokenEntries());
    }
  });
});

describe('without a tokens file', () => {
  it('is the local admin, as before', async () => {
    const gateway = await startGateway();
    try {
      expect(await gateway.data(QUERY)).toEqual({ engine: { name: 'local' } });
    } finally {
      await gateway.stop();
    }
  });
});
