import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IMAGE } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { PrivateEngine } from '../helpers/private-engine.ts';
import { runningStates, startSwarmEngine, until } from '../helpers/swarm.ts';

/**
 * serviceLogs on a single-node swarm: two tasks writing to stdout and stderr (and echoing a secret
 * env value), followed through Wharf; the engine's CLI is the ground truth for task ids.
 */
let engine: PrivateEngine;
let viewer: TestGateway;
let admin: TestGateway;
const SERVICE = 'wharf-logs-web';
const DOOMED = 'wharf-logs-doomed';
const SECRET = 'hunter2-service-logs';
const SCRIPT = `i=0; while true; do echo "out $(hostname) $i $DB_PASSWORD"; echo "err $i" >&2; i=$((i+1)); sleep 0.3; done`;

interface Line {
  stream: 'STDOUT' | 'STDERR';
  text: string;
  timestamp: string | null;
  cursor: string;
  task: { dockerId: string; slot: number | null } | null;
  swarmNode: { hostname: string } | null;
}
type LogEvent =
  | { __typename: 'LogLines'; lines: Line[] }
  | { __typename: 'LogEnd'; reason: string; exitCode: number | null };

const EVENT = `__typename
  ... on LogLines { lines { stream text timestamp cursor task { dockerId slot } swarmNode { hostname } } }
  ... on LogEnd { reason exitCode }`;

async function createService(name: string, replicas: number) {
  await engine.docker(
    'service',
    'create',
    '--detach',
    '--no-resolve-image',
    '--name',
    name,
    '--replicas',
    String(replicas),
    '--env',
    `DB_PASSWORD=${SECRET}`,
    FIXTURE_IMAGE,
    'sh',
    '-c',
    SCRIPT,
  );
  await until(
    `${name} running`,
    async () => (await runningStates(engine, name)).length === replicas,
  );
}

/** Reads events until `enough` says so (then unsubscribes) or the stream ends. */
async function collect(
  gateway: TestGateway,
  args: string,
  enough: (lines: Line[]) => boolean = () => false,
): Promise<{ lines: Line[]; end: LogEvent | undefined }> {
  const lines: Line[] = [];
  let end: LogEvent | undefined;
  const results = gateway.subscribe<{ serviceLogs: LogEvent }>(
    `subscription { serviceLogs(${args}) { ${EVENT} } }`,
  );
  for await (const result of results) {
    expect(result.errors).toBeUndefined();
    const event = result.data?.serviceLogs;
    if (event?.__typename === 'LogLines') lines.push(...event.lines);
    else end = event;
    if (enough(lines)) {
      await results.return?.();
      break;
    }
  }
  return { lines, end };
}

beforeAll(async () => {
  engine = await startSwarmEngine('swarm-logs');
  const engines = [{ name: 'swarm', dockerHost: engine.dockerHost, default: true }];
  admin = await startGateway({ engines });
  viewer = await startGateway({
    engines,
    principal: { kind: 'token', name: 'dash', role: 'viewer', labels: [] },
  });
  await Promise.all([createService(SERVICE, 2), createService(DOOMED, 1)]);
}, 180_000);

afterAll(async () => {
  await viewer?.stop();
  await admin?.stop();
  for (const name of [SERVICE, DOOMED]) await engine?.docker('service', 'rm', name).catch(() => '');
  await engine?.stop();
}, 120_000);

const taskIds = async (name: string) =>
  (await engine.docker('service', 'ps', '-q', '--no-trunc', name)).split('\n').filter(Boolean);

describe('serviceLogs', () => {
  it("follows every task's lines, each naming its task and node, streams apart, env values hidden", async () => {
    const slotsSeen = (lines: Line[], stream: Line['stream']) =>
      new Set(lines.filter((line) => line.stream === stream).map((line) => line.task?.slot)).size;
    const { lines } = await collect(
      viewer,
      `ref: "${SERVICE}", tail: 0`,
      (seen) => slotsSeen(seen, 'STDOUT') === 2 && slotsSeen(seen, 'STDERR') === 2,
    );
    const ids = await taskIds(SERVICE);
    const hostname = (await engine.docker('info', '--format', '{{.Name}}')).trim();
    for (const line of lines) {
      expect(ids).toContain(line.task?.dockerId);
      expect(line.swarmNode?.hostname).toBe(hostname);
      expect(line.timestamp).toBeNull();
      expect(line.cursor).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      if (line.stream === 'STDOUT') expect(line.text).toMatch(/^out \w+ \d+ \*\*\*$/);
      else expect(line.text).toMatch(/^err \d+$/);
    }
    expect(lines.map((line) => line.text).join('\n')).not.toContain(SECRET);
    // The lines' own text carries no attributes: the engine's `details` went to task and node.
    expect(lines.some((line) => line.text.includes('com.docker.swarm'))).toBe(false);
    await until('the subscription freed', async () => viewer.subscriptions() === 0, 5_000);
  });

  it('reads history with follow: false, `tail` per task, and ends with HISTORY_END; admin sees env values', async () => {
    const { lines, end } = await collect(
      admin,
      `ref: "${SERVICE}", follow: false, tail: 4, timestamps: true`,
    );
    expect(end).toEqual({ __typename: 'LogEnd', reason: 'HISTORY_END', exitCode: null });
    // The engine's tail counts a task's entries on both streams; each task alternates out and err.
    const perTask = new Map<string, string[]>();
    for (const line of lines) {
      if (line.stream === 'STDOUT')
        expect(line.text).toMatch(new RegExp(`^out \\w+ \\d+ ${SECRET}$`));
      expect(line.timestamp).toBe(line.cursor);
      const id = line.task?.dockerId ?? '';
      perTask.set(id, [...(perTask.get(id) ?? []), line.stream].sort());
    }
    expect(perTask.size).toBe(2);
    for (const streams of perTask.values()) {
      expect(streams).toEqual(['STDERR', 'STDERR', 'STDOUT', 'STDOUT']);
    }
  });

  it('ends with REMOVED when the service is removed mid-follow', async () => {
    const followed = collect(viewer, `ref: "${DOOMED}", tail: 1`);
    await until('the follow open', async () => viewer.subscriptions() === 1, 10_000);
    await engine.docker('service', 'rm', DOOMED);
    const { lines, end } = await followed;
    expect(lines.length).toBeGreaterThan(0);
    expect(end).toEqual({ __typename: 'LogEnd', reason: 'REMOVED', exitCode: null });
  });

  it('answers NOT_FOUND for an unknown service', async () => {
    // graphql-ws rejects the iteration with the operation's errors.
    const errors = await viewer
      .subscribe(`subscription { serviceLogs(ref: "no-such-service") { __typename } }`)
      .next()
      .then(
        (first) => first.value?.errors,
        (rejected: unknown) => rejected as { extensions?: { code?: string } }[],
      );
    expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
