import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMutationRate } from '../../src/limits/mutation-rate.ts';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

/*
 * WHARF_MUTATION_RATE on a fake engine that knows no container: every stop is NOT_FOUND after one
 * inspect, so the engine's request count tells whether a refused call reached it.
 */

let fake: FakeEngine;
let gateway: TestGateway;
const STOP = 'mutation { containerStop(ref: "wharf-rate") { __typename } }';
const KILL = 'mutation { containerKill(ref: "wharf-rate") { __typename } }';

beforeAll(async () => {
  fake = await startFakeEngine((req, res) => {
    if (req.url === '/_ping') return sendPing(res, '1.41');
    sendJson(res, 404, { message: 'No such container: wharf-rate' });
  });
  gateway = await startGateway({
    dockerHost: `unix://${fake.socketPath}`,
    tokens: tokenStore(),
    mutationRate: { max: 3, windowMs: 60_000 },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.close();
});

const codeOf = async (document: string, token: string) =>
  (await gateway.query(document, {}, token)).errors?.[0]?.extensions?.code;

describe('WHARF_MUTATION_RATE', () => {
  it('reads <max>/<window>, off, and the default; refuses anything else naming the variable', () => {
    expect(parseMutationRate('20/10s')).toEqual({ max: 20, windowMs: 10_000 });
    expect(parseMutationRate(' 5/2h ')).toEqual({ max: 5, windowMs: 7_200_000 });
    expect(parseMutationRate('off')).toBeUndefined();
    expect(parseMutationRate(undefined)).toEqual({ max: 300, windowMs: 60_000 });
    for (const bad of ['0/1m', '10/0s', '10', '10/1d', 'ten/1m']) {
      expect(() => parseMutationRate(bad)).toThrow(/^WHARF_MUTATION_RATE=/);
    }
  });

  it("refuses a token's call over the rate before any engine call, with 429 and Retry-After, audited", async () => {
    for (let call = 0; call < 3; call += 1) {
      expect(await codeOf(STOP, TOKENS.operator)).toBe('NOT_FOUND');
    }
    const before = fake.requests.length;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${TOKENS.operator}`,
      },
      body: JSON.stringify({ query: STOP }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
    const body = (await response.json()) as { errors: { extensions: unknown }[] };
    expect(body.errors[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(fake.requests.length).toBe(before);
    expect(gateway.audits.at(-1)).toMatchObject({
      principal: 'ci',
      operation: 'containerStop',
      decision: 'deny',
      rule: 'rate.mutations',
    });
  });

  it('counts per token and per mutation; queries are not counted', async () => {
    expect(await codeOf(STOP, TOKENS.operator)).toBe('RATE_LIMITED');
    // Another token, another mutation: budgets of their own.
    expect(await codeOf(STOP, TOKENS.operator2)).toBe('NOT_FOUND');
    expect(await codeOf(KILL, TOKENS.operator)).toBe('NOT_FOUND');
    for (let call = 0; call < 5; call += 1) {
      expect(await codeOf('{ container(ref: "wharf-rate") { id } }', TOKENS.operator)).toBe(
        undefined,
      );
    }
  });
});
