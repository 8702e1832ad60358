import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * Issue 7, findings 2 and 3 at run time: every operation has a budget of engine calls, a deadline
 * and a maximum answer size, and ends (with its engine calls) when its client goes away. Small
 * configured limits reach each one quickly; each ends with a coded error and no stream left open.
 */

const scope = testScope('operation-budget');
let gateway: TestGateway;
let sleeper: string;
let chatty: string;
const members: string[] = [];

beforeAll(async () => {
  gateway = await startGateway({
    limits: {
      maxEngineCalls: 3,
      queryTimeoutMs: 1500,
      maxResponseBytes: 200_000,
      maxLogBytes: 20_000,
    },
  });
  sleeper = await scope.shell('sleeper', 'sleep 600');
  // 300 lines of 100 characters: 30 KB of history.
  chatty = await scope.shell(
    'chatty',
    'i=0; while [ $i -lt 300 ]; do printf "%03d%097d\\n" $i 0; i=$((i+1)); done; sleep 600',
  );
  for (let i = 0; i < 3; i++) members.push(await scope.shell('member', 'sleep 600'));
  await eventually('the chatty history', async () =>
    (await docker('logs', chatty)).split('\n').length >= 300 ? true : undefined,
  );
}, 60_000);

afterAll(async () => {
  await scope.cleanup();
  await gateway?.stop();
});

function codeOf(result: Result<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

async function noStreamsLeft() {
  await eventually('engine streams to close', async () =>
    gateway.engine.openStreams === 0 ? true : undefined,
  );
}

describe('the engine-call budget', () => {
  it('aborts an operation past WHARF_MAX_ENGINE_CALLS, sending no call over it', async () => {
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(
        `{ containers(filter: { label: ["${scope.label}"] }) { edges { node { processes { titles } } } } }`,
      ),
    );
    expect(codeOf(result)).toBe('ENGINE_CALL_LIMIT');
    expect(result.errors?.[0]?.message).toMatch(/engine call limit \(WHARF_MAX_ENGINE_CALLS\)/);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('leaves an operation within the budget alone', async () => {
    const result = await gateway.query(`query ($ref: String!) { container(ref: $ref) { name } }`, {
      ref: sleeper,
    });
    expect(result.errors).toBeUndefined();
  });
});

describe('the deadline', () => {
  it('ends a one-shot exec past WHARF_QUERY_TIMEOUT_MS with QUERY_TIMEOUT', async () => {
    const started = performance.now();
    const result = await gateway.query(
      `mutation ($c: String!) { exec(container: $c, cmd: ["sleep", "30"]) { exitCode } }`,
      { c: sleeper },
    );
    expect(codeOf(result)).toBe('QUERY_TIMEOUT');
    expect(result.errors?.[0]?.message).toMatch(/WHARF_QUERY_TIMEOUT_MS/);
    expect(performance.now() - started).toBeLessThan(5000);
    await noStreamsLeft();
  });

  it('ends a containerWait past the deadline and closes its engine call', async () => {
    const result = await gateway.query(
      `mutation ($c: String!) { containerWait(ref: $c) { exitCode } }`,
      { c: sleeper },
    );
    expect(codeOf(result)).toBe('QUERY_TIMEOUT');
    await noStreamsLeft();
  });

  it('does not cut a subscription: a quiet log follow outlives the deadline', async () => {
    const quiet = await scope.shell('quiet', 'sleep 3; echo late; sleep 600');
    const results = gateway.subscribe<{
      containerLogs: { __typename: string; lines?: { text: string }[] };
    }>(
      `subscription ($ref: String!) {
        containerLogs(ref: $ref, follow: true) { __typename ... on LogLines { lines { text } } }
      }`,
      { ref: quiet },
    );
    const first = await results.next();
    expect(first.value?.errors).toBeUndefined();
    expect(
      first.value?.data?.containerLogs.lines?.map((line: { text: string }) => line.text),
    ).toEqual(['late']);
    await results.return?.();
    await noStreamsLeft();
  });
});

describe('the response size', () => {
  it('stops exec output at the response budget (RESPONSE_TOO_LARGE)', async () => {
    const result = await gateway.query(
      `mutation ($c: String!) { exec(container: $c, cmd: ["head", "-c", "900000", "/dev/zero"]) { stdout } }`,
      { c: sleeper },
    );
    expect(codeOf(result)).toBe('RESPONSE_TOO_LARGE');
    expect(result.errors?.[0]?.message).toMatch(/WHARF_MAX_RESPONSE_BYTES/);
    await noStreamsLeft();
  });

  it('replaces an answer larger than WHARF_MAX_RESPONSE_BYTES as serialized JSON', async () => {
    const small = await startGateway({ limits: { maxResponseBytes: 300 } });
    try {
      const result = await small.query(
        `{ containers(filter: { label: ["${scope.label}"] }) { edges { node { id name command imageRef } } } }`,
      );
      expect(codeOf(result)).toBe('RESPONSE_TOO_LARGE');
      expect(result.data ?? null).toBeNull();
    } finally {
      await small.stop();
    }
  });
});

describe('Container.logs is bounded', () => {
  const logs = (args: string) =>
    gateway.query<{ container: { logs: { text: string }[] } }>(
      `query ($ref: String!) { container(ref: $ref) { logs${args} { text } } }`,
      { ref: chatty },
    );

  it('answers the last 100 lines by default', async () => {
    const result = await logs('');
    // 100 lines of 100 characters: under the 20 KB test cap of the gateway.
    expect(result.errors).toBeUndefined();
    expect(result.data?.container.logs).toHaveLength(100);
    expect(result.data?.container.logs[99]?.text.startsWith('299')).toBe(true);
  });

  it('refuses a tail over the maximum', async () => {
    expect(codeOf(await logs('(tail: 10001)'))).toBe('BAD_USER_INPUT');
  });

  it('stops reading past the log byte cap and says which limit', async () => {
    const result = await logs('(tail: 300)');
    expect(codeOf(result)).toBe('RESPONSE_TOO_LARGE');
    expect(result.errors?.[0]?.message).toMatch(/WHARF_MAX_LOG_BYTES/);
    await noStreamsLeft();
  });
});

describe('a client that goes away', () => {
  it('over HTTP: aborts its containerWait and the engine call', async () => {
    const patient = await startGateway();
    try {
      const controller = new AbortController();
      const request = fetch(`${patient.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation ($c: String!) { containerWait(ref: $c) { exitCode } }`,
          variables: { c: sleeper },
        }),
        signal: controller.signal,
      }).catch(() => undefined);
      await eventually('the wait to reach the engine', async () =>
        patient.engine.openStreams > 0 ? true : undefined,
      );
      controller.abort();
      await request;
      await eventually('the wait to end', async () =>
        patient.engine.openStreams === 0 ? true : undefined,
      );
    } finally {
      await patient.stop();
    }
  });

  it('over graphql-ws: `complete` aborts a running mutation and its engine call', async () => {
    const patient = await startGateway();
    try {
      const client = patient.wsClient();
      const iterator = client.iterate({
        query: `mutation ($c: String!) { containerWait(ref: $c) { exitCode } }`,
        variables: { c: sleeper },
      });
      const first = iterator.next();
      await eventually('the wait to reach the engine', async () =>
        patient.engine.openStreams > 0 ? true : undefined,
      );
      await iterator.return?.();
      await eventually('the wait to end', async () =>
        patient.engine.openStreams === 0 ? true : undefined,
      );
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 100))]);
    } finally {
      await patient.stop();
    }
  });

  it('over graphql-ws: closing the socket aborts a running mutation', async () => {
    const patient = await startGateway();
    try {
      const client = patient.wsClient();
      const iterator = client.iterate({
        query: `mutation ($c: String!) { exec(container: $c, cmd: ["sleep", "30"]) { exitCode } }`,
        variables: { c: sleeper },
      });
      void iterator.next().catch(() => undefined);
      await eventually('the exec to reach the engine', async () =>
        patient.engine.openStreams > 0 ? true : undefined,
      );
      await client.dispose();
      await eventually('the exec to end', async () =>
        patient.engine.openStreams === 0 ? true : undefined,
      );
    } finally {
      await patient.stop();
    }
  });
});
