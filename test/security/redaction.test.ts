import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, eventually, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

const scope = testScope('redaction');
/** One secret per place it can leak from, so a failure says which place leaked. */
const secret = {
  env: randomBytes(16).toString('hex'),
  volume: randomBytes(16).toString('hex'),
  network: randomBytes(16).toString('hex'),
};
let gateway: TestGateway;
let box: string;
let volume: string;
let network: string;

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
  // Prints its password to its log, and its health check echoes it.
  box = await scope.shell(
    'env',
    'echo "connecting with $DB_PASSWORD"; sleep 300',
    '--env',
    `DB_PASSWORD=${secret.env}`,
    '--health-cmd',
    'echo "pw=$DB_PASSWORD ok"',
    '--health-interval',
    '1s',
  );
  volume = scope.name('cifs');
  // Created only (a CIFS volume is mounted on first use): its mount options hold a password.
  await docker(
    'volume',
    'create',
    ...scope.labelArgs,
    '--driver',
    'local',
    '--opt',
    'type=cifs',
    '--opt',
    'device=//127.0.0.1/share',
    '--opt',
    `o=addr=127.0.0.1,username=u,password=${secret.volume}`,
    volume,
  );
  network = scope.name('net');
  await docker(
    'network',
    'create',
    ...scope.labelArgs,
    '--opt',
    `com.example.api_token=${secret.network}`,
    network,
  );
  await eventually('a health check ran', async () => {
    const log = await docker('inspect', '-f', '{{json .State.Health.Log}}', box);
    return log.includes('ok') ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

const QUERY = `query($c: String!, $v: String!, $n: String!) {
  container(ref: $c) {
    env
    health { lastOutput log { output } }
    logs { text }
  }
  volume(name: $v) { options { key value } }
  network(ref: $n) { options { key value } }
}`;

interface Answer {
  container: {
    env: string[];
    health: { lastOutput: string; log: { output: string }[] };
    logs: { text: string }[];
  };
  volume: { options: { key: string; value: string }[] };
  network: { options: { key: string; value: string }[] };
}

async function read(token: string): Promise<Answer> {
  const result = await gateway.query<Answer>(QUERY, { c: box, v: volume, n: network }, token);
  expect(result.errors).toBeUndefined();
  return result.data as Answer;
}

async function followedLogs(token: string): Promise<string> {
  const events: Result<unknown>[] = [];
  for await (const event of gateway.subscribe(
    'subscription($c: String!) { containerLogs(ref: $c, follow: false) { ... on LogLines { lines { text } } } }',
    { c: box },
    gateway.wsClient(token),
  )) {
    events.push(event);
  }
  return JSON.stringify(events);
}

const option = (options: { key: string; value: string }[], key: string) =>
  options.find((o) => o.key === key)?.value;

describe('below admin', () => {
  it('hides env values in health check output, logs, and secret-looking driver options', async () => {
    for (const token of [TOKENS.viewer, TOKENS.operator]) {
      const answer = await read(token);
      expect(answer.container.env).toContain('DB_PASSWORD=***');
      expect(answer.container.health.lastOutput).toBe('pw=*** ok\n');
      expect(answer.container.health.log.at(-1)?.output).toBe('pw=*** ok\n');
      expect(answer.container.logs).toEqual([{ text: 'connecting with ***' }]);
      expect(option(answer.volume.options, 'o')).toBe('addr=127.0.0.1,username=u,password=***');
      expect(option(answer.volume.options, 'type')).toBe('cifs');
      expect(option(answer.network.options, 'com.example.api_token')).toBe('***');
      const followed = await followedLogs(token);
      expect(followed).toContain('connecting with ***');
      for (const value of Object.values(secret)) {
        expect(JSON.stringify(answer)).not.toContain(value);
        expect(followed).not.toContain(value);
      }
    }
  });
});

describe('admin', () => {
  it('sees every value as the engine has it', async () => {
    const answer = await read(TOKENS.admin);
    expect(answer.container.env).toContain(`DB_PASSWORD=${secret.env}`);
    expect(answer.container.health.lastOutput).toBe(`pw=${secret.env} ok\n`);
    expect(answer.container.logs).toEqual([{ text: `connecting with ${secret.env}` }]);
    expect(option(answer.volume.options, 'o')).toContain(`password=${secret.volume}`);
    expect(option(answer.network.options, 'com.example.api_token')).toBe(secret.network);
    expect(await followedLogs(TOKENS.admin)).toContain(`connecting with ${secret.env}`);
  });
});
