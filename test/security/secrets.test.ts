import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { docker, eventually, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';
import { everyField } from '../helpers/selection.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

const scope = testScope('secrets');
/** 24 random characters: found anywhere, it can only have come from the container. */
const SECRET = randomBytes(18).toString('base64url');
const SECRET_LABEL = 'db.password';

/** Every line the gateway logged (at debug, so nothing is filtered out). */
const logLines: string[] = [];
/** Every answer a viewer got: bodies of queries, and every subscription result. */
const viewerAnswers: unknown[] = [];
let gateway: TestGateway;
let name: string;
let volume: string;

const CONTAINER = everyField('Container', 3, SECRET_LABEL);

/**
 * Errors but those of other containers on this engine (through `image { containers }`), which
 * other tests remove while an answer is built.
 */
function unexpected(result: Result<unknown>) {
  return (result.errors ?? []).filter((error) => error.extensions?.code !== 'NOT_FOUND');
}

async function asViewer(document: string): Promise<Record<string, unknown>> {
  const result = await gateway.query(document, undefined, TOKENS.viewer);
  viewerAnswers.push(result);
  expect(unexpected(result), document.slice(0, 80)).toEqual([]);
  return result.data as Record<string, unknown>;
}

/** A viewer's subscription, its results kept, until `done` says so or it ends. */
async function subscribeAsViewer(
  document: string,
  done: (result: unknown) => boolean,
  during?: () => Promise<unknown>,
): Promise<unknown[]> {
  const results = gateway.subscribe(document, undefined, gateway.wsClient(TOKENS.viewer));
  const seen: unknown[] = [];
  const reading = (async () => {
    for await (const result of results) {
      seen.push(result);
      viewerAnswers.push(result);
      expect(unexpected(result as Result<unknown>), document.slice(0, 80)).toEqual([]);
      if (done(result)) break;
    }
  })();
  if (during) {
    // Nothing happens before the subscription listens on the engine's event stream: a fixed pause
    // is a guess under load, and a stop, start and exec that go by first leave it waiting for an
    // exec_start that has come and gone.
    await eventually('the subscription to listen', async () =>
      gateway.engine.events.subscribers > 0 ? true : undefined,
    );
    await gateway.engine.events.whenConnected();
    await during();
  }
  await reading;
  return seen;
}

beforeAll(async () => {
  gateway = await startGateway({
    tokens: tokenStore(),
    logger: createLogger('debug', (line) => {
      logLines.push(line);
      return true;
    }),
    limits: {
      maxAliases: 10_000,
      maxCost: 1_000_000_000,
      maxTokens: 100_000,
      maxEngineCalls: 100_000,
    },
  });
  volume = scope.name('vol');
  // A tmpfs volume binds no host path; its mount options may hold a password (CIFS-like).
  await docker(
    'volume',
    'create',
    ...scope.labelArgs,
    '--opt',
    'type=tmpfs',
    '--opt',
    'device=tmpfs',
    '--opt',
    `o=size=1m,password=${SECRET}`,
    volume,
  );
  name = await scope.shell(
    'db',
    'echo "connecting with $DB_PASSWORD"; sleep 300',
    '-e',
    `DB_PASSWORD=${SECRET}`,
    '--label',
    `${SECRET_LABEL}=${SECRET}`,
    '--health-cmd',
    'echo "db at $DB_PASSWORD"',
    '--health-interval',
    '1s',
  );
  // The health check has run, so its output (holding the value) is in the inspect answer.
  await eventually('a health check', async () => {
    const log = await docker('inspect', '-f', '{{len .State.Health.Log}}', name);
    return Number(log) > 0 ? true : undefined;
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

describe('a secret in a container', () => {
  it('is reachable: an admin reads it', async () => {
    const result = await gateway.query(
      `{ container(ref: "${name}") { env label(key: "${SECRET_LABEL}") health { lastOutput } } volume(name: "${volume}") { options { value } } }`,
      undefined,
      TOKENS.admin,
    );
    const text = JSON.stringify(result);
    expect(text).toContain(`DB_PASSWORD=${SECRET}`);
    expect(text.split(SECRET).length - 1).toBe(4);
    const exec = await gateway.query(
      `mutation { exec(container: "${name}", cmd: ["sh", "-c", "echo $DB_PASSWORD"]) { stdout } }`,
      undefined,
      TOKENS.admin,
    );
    expect(JSON.stringify(exec)).toContain(SECRET);
  });

  it('never reaches a viewer through a query', async () => {
    const data = await asViewer(
      `{ containers(all: true, filter: { label: ["${scope.label}"] }) { edges { node ${CONTAINER} } } }`,
    );
    const edges = (data.containers as { edges: { node: { id: string; env: string[] } }[] }).edges;
    expect(edges).toHaveLength(1);
    // The value was there to leak: the key is shown, redacted.
    expect(edges[0]?.node.env).toContain('DB_PASSWORD=***');
    const id = edges[0]?.node.id;
    await asViewer(`{ container(ref: "${name}") ${CONTAINER} }`);
    await asViewer(`{ node(id: "${id}") ${everyField('Node', 3, SECRET_LABEL)} }`);
    await asViewer(`{ image(ref: "${FIXTURE_IMAGE}") ${everyField('Image', 3, SECRET_LABEL)} }`);
    await asViewer(`{ volume(name: "${volume}") ${everyField('Volume', 3, SECRET_LABEL)}
      volumes(filter: { label: ["${scope.label}"] }) { edges { node { name options { key value } } } } }`);
    await asViewer(`{ engine ${everyField('Engine', 3)} }`);
    // A refused mutation is an answer and an audit line.
    const refused = await gateway.query(
      `mutation { containerStop(ref: "${name}") { changed } }`,
      undefined,
      TOKENS.viewer,
    );
    viewerAnswers.push(refused);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('never reaches a viewer through a subscription', async () => {
    // The history alone, then followed (its catch-up holds the line with the value).
    for (const follow of [false, true]) {
      await subscribeAsViewer(
        `subscription { containerLogs(ref: "${name}", follow: ${follow}, timestamps: true) ${everyField('LogEvent', 3)} }`,
        (result) => JSON.stringify(result).includes('connecting with'),
      );
    }
    await subscribeAsViewer(
      `subscription { containerStats(ref: "${name}") ${everyField('ContainerStats', 3)} }`,
      () => true,
    );
    // Events while it stops and starts again, with every relation (the container's env included).
    const events = await subscribeAsViewer(
      `subscription { events(filter: { container: ["${name}"] }) ${everyField('EventStreamItem', 3, SECRET_LABEL)} }`,
      (result) => JSON.stringify(result).includes('"EngineEvent_action":"exec_start"'),
      async () => {
        // Through Wharf, so the audit has lines about this container too.
        for (const mutation of [
          'containerStop(ref: $ref, timeout: 0)',
          'containerStart(ref: $ref)',
        ]) {
          const result = await gateway.query(
            `mutation($ref: String!) { ${mutation} { changed } }`,
            { ref: name },
            TOKENS.admin,
          );
          expect(result.errors).toBeUndefined();
        }
        // An exec's event action carries its command line, the secret included.
        const exec = await gateway.query(
          `mutation { exec(container: "${name}", cmd: ["echo", "${SECRET}"]) { stdout } }`,
          undefined,
          TOKENS.admin,
        );
        expect(exec.errors).toBeUndefined();
      },
    );
    expect(JSON.stringify(events)).toContain('DB_PASSWORD=***');
    expect(JSON.stringify(events)).toContain('"EngineEvent_action":"exec_create"');
  });

  it('is in no viewer answer, no log line and no audit line', () => {
    expect(viewerAnswers.length).toBeGreaterThan(8);
    const answers = JSON.stringify(viewerAnswers);
    // The answers did carry every place the value was, redacted: env, label, health check
    // output, log line and the volume's mount options.
    for (const redacted of [
      'DB_PASSWORD=***',
      `"key":"${SECRET_LABEL}","value":"***"`,
      'db at ***',
      'connecting with ***',
      'password=***',
    ]) {
      expect(answers).toContain(redacted);
    }
    expect(answers).not.toContain(SECRET);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(SECRET);
    expect(gateway.audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(gateway.audits)).not.toContain(SECRET);
  });
});
