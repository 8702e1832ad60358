import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * Issue 7, findings 2 and 3: one small document must not take Wharf (or the engine) down. Every
 * static limit refuses the document before any engine call, with COST_LIMIT and the limit's name;
 * the numbers only outside production. A bystander is answered within 1 s all along.
 */

const scope = testScope('query-limits');
let gateway: TestGateway;
let devGateway: TestGateway;
let network: string;
const containers: string[] = [];

beforeAll(async () => {
  [gateway, devGateway] = await Promise.all([startGateway(), startGateway({ production: false })]);
  network = scope.name('net');
  await docker('network', 'create', '--label', scope.label, network);
  for (let i = 0; i < 4; i++) {
    containers.push(await scope.shell('member', 'sleep 600', '--network', network));
  }
}, 60_000);

afterAll(async () => {
  await scope.cleanup();
  await Promise.all([gateway?.stop(), devGateway?.stop()]);
});

/** `levels` rounds of container → networks → network → containers. */
function nestingBomb(ref: string, levels: number): string {
  let selection = 'name';
  for (let i = 0; i < levels; i++) {
    selection = `networks { network { containers { container { ${selection} } } } }`;
  }
  return `{ container(ref: "${ref}") { ${selection} } }`;
}

const heavyAlias = (i: number) =>
  `a${i}: containers { edges { node { logs(tail: 1000) { text } processes { rows } } } }`;

/** Runs `attack` while a bystander asks for one container; returns both and the bystander's time. */
async function withBystander<T>(target: TestGateway, attack: () => Promise<T>) {
  const bystanderQuery = `query ($ref: String!) { container(ref: $ref) { name } }`;
  // Warm: the first query of a gateway pays for version negotiation and compilation.
  await target.data(bystanderQuery, { ref: containers[0] });
  const started = performance.now();
  const [result, bystander] = await Promise.all([
    attack(),
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const t0 = performance.now();
      const answer = await target.data<{ container: { name: string } }>(bystanderQuery, {
        ref: containers[0],
      });
      return { answer, ms: performance.now() - t0 };
    })(),
  ]);
  return { result, bystander, ms: performance.now() - started };
}

function codeOf(result: Result<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

describe('static limits refuse a document before it runs', () => {
  it('refuses the nesting bomb (six rounds deep) with no engine call, bystander answered', async () => {
    const bomb = nestingBomb(containers[0] ?? '', 6);
    const { result, calls } = await gateway.countCalls(() => gateway.query(bomb));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/depth limit \(WHARF_MAX_DEPTH\)/);
    expect(result.data ?? null).toBeNull();
    expect(calls).toEqual([]);
    const attack = await withBystander(gateway, () =>
      Promise.all(Array.from({ length: 10 }, () => gateway.query(bomb))),
    );
    expect(attack.result.map(codeOf)).toEqual(Array(10).fill('COST_LIMIT'));
    expect(attack.bystander.answer.container.name).toBe(containers[0]);
    expect(attack.bystander.ms).toBeLessThan(1000);
  });

  it('refuses a shallower bomb by its cost, with no engine call', async () => {
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(nestingBomb(containers[0] ?? '', 2)),
    );
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/cost limit \(WHARF_MAX_COST\)/);
    // Production: the limit's name, not its numbers.
    expect(result.errors?.[0]?.message).not.toMatch(/\d/);
    expect(calls).toEqual([]);
  });

  it('outside production, says the numbers', async () => {
    const result = await devGateway.query(nestingBomb(containers[0] ?? '', 2));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/cost \d+, at most 10000/);
  });

  it('refuses 50 aliases of logs and processes with no engine call', async () => {
    const document = `{ ${Array.from({ length: 50 }, (_, i) => heavyAlias(i)).join(' ')} }`;
    const { result, calls } = await gateway.countCalls(() => gateway.query(document));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/alias limit \(WHARF_MAX_ALIASES\)/);
    expect(calls).toEqual([]);
  });

  it('refuses fewer aliases (under the alias limit) by their cost', async () => {
    const document = `{ ${Array.from({ length: 5 }, (_, i) => heavyAlias(i)).join(' ')} }`;
    const { result, calls } = await gateway.countCalls(() => gateway.query(document));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/cost limit/);
    expect(calls).toEqual([]);
  });

  it('counts `first` in the cost: a page of 100 with logs costs more than one of 5', async () => {
    const page = (first: number) =>
      `{ containers(first: ${first}, filter: { label: ["${scope.label}"] }) { edges { node { name logs(tail: 1000) { text } processes { titles } } } } }`;
    expect(codeOf(await gateway.query(page(100)))).toBe('COST_LIMIT');
    const small = await gateway.query(page(5));
    expect(small.errors).toBeUndefined();
  });

  it('refuses too many tokens while parsing', async () => {
    const fields = Array.from({ length: 6000 }, () => '__typename').join(' ');
    const { result, calls } = await gateway.countCalls(() => gateway.query(`{ ${fields} }`));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/token limit \(WHARF_MAX_TOKENS\)/);
    expect(calls).toEqual([]);
  });

  it('refuses 20 aliased execs before any of them runs', async () => {
    const container = containers[1] ?? '';
    const document = `mutation { ${Array.from(
      { length: 20 },
      (_, i) =>
        `e${i}: exec(container: "${container}", cmd: ["sh", "-c", "touch /tmp/ran-${i}"]) { exitCode }`,
    ).join(' ')} }`;
    const { result, calls } = await gateway.countCalls(() => gateway.query(document));
    expect(codeOf(result)).toBe('COST_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/root mutation limit \(WHARF_MAX_ROOT_MUTATIONS\)/);
    expect(calls).toEqual([]);
    expect(await docker('exec', container, 'ls', '/tmp')).not.toMatch(/ran-/);
  });

  it('applies over graphql-ws too', async () => {
    const results: Result<unknown>[] = [];
    try {
      for await (const result of gateway.subscribe(nestingBomb(containers[0] ?? '', 2))) {
        results.push(result);
      }
    } catch (errors) {
      results.push({ errors: errors as Result<unknown>['errors'] });
    }
    expect(results.map(codeOf)).toEqual(['COST_LIMIT']);
    const tokens = Array.from({ length: 6000 }, () => '__typename').join(' ');
    const refused: Result<unknown>[] = [];
    try {
      for await (const result of gateway.subscribe(`{ ${tokens} }`)) refused.push(result);
    } catch (errors) {
      refused.push({ errors: errors as Result<unknown>['errors'] });
    }
    expect(refused.map(codeOf)).toEqual(['COST_LIMIT']);
  });

  it('lets an ordinary screen through (the README example shape)', async () => {
    const result = await gateway.query(`{
      containers(all: true, filter: { label: ["${scope.label}"] }, first: 20) {
        edges { node {
          id name state status health { status failingStreak } image { tags size }
          ports { privatePort publicPort protocol }
          networks { networkName ipv4Address network { name driver } }
          mounts { type destination volume { name size } }
          env logs(tail: 20) { stream timestamp text }
        } }
        pageInfo { hasNextPage endCursor }
      } }`);
    expect(result.errors).toBeUndefined();
  });
});

describe('exec output is capped as JSON', () => {
  it('keeps 1 MiB of JSON of NULs (six bytes each), not 1 MiB of raw NULs', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation ($c: String!) { exec(container: $c, cmd: ["head", "-c", "3000000", "/dev/zero"]) { stdout truncated } }`,
        variables: { c: containers[1] },
      }),
    });
    const text = await response.text();
    expect(text.length).toBeLessThan(1024 * 1024 + 1024);
    const result = JSON.parse(text) as { data: { exec: { stdout: string; truncated: boolean } } };
    expect(result.data.exec.truncated).toBe(true);
    expect(result.data.exec.stdout.length).toBe(Math.floor((1024 * 1024) / 6));
  });
});
