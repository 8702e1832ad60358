import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import type { Result } from '../helpers/gateway.ts';
import { startCli } from '../helpers/processes.ts';

/*
 * README, Security, "Example: a dashboard and a CI token on one Wharf", step by step as a
 * newcomer runs it: a tokens file, `wharf serve`, then plain HTTP and graphql-ws clients.
 */

const scope = testScope('example');
// The README's label is `team=ci`; the run's value keeps parallel runs apart.
const TEAM = `ci-${scope.run}`;
const DASHBOARD_TOKEN = randomBytes(24).toString('hex');
const CI_TOKEN = randomBytes(24).toString('hex');
const SECRET = randomBytes(12).toString('hex');
const JOB = scope.name('job');

const dir = mkdtempSync(join(tmpdir(), 'wharf-example-'));
let child: ChildProcess | undefined;
let logs: Record<string, unknown>[];
let endpoint: string;
/** A container made outside Wharf: shared, so CI sees it read-only. */
let bystander: string;

/** `curl -H "Authorization: Bearer $TOKEN" -d '{"query": …}' http://host:4000/graphql` */
async function graphql(token: string, query: string): Promise<Result<Record<string, unknown>>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Result<Record<string, unknown>>;
}

async function ok(token: string, query: string): Promise<Record<string, unknown>> {
  const result = await graphql(token, query);
  expect(result.errors, query).toBeUndefined();
  return result.data as Record<string, unknown>;
}

beforeAll(async () => {
  // tokens.json: the dashboard's token stored as its sha256, CI's as given, with CI's label.
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify([
      {
        name: 'dashboard',
        role: 'viewer',
        sha256: createHash('sha256').update(DASHBOARD_TOKEN).digest('hex'),
      },
      { name: 'ci', role: 'operator', token: CI_TOKEN, labels: [`team=${TEAM}`] },
    ]),
  );
  // WHARF_LISTEN=0.0.0.0:4000 WHARF_TOKENS_FILE=tokens.json
  // WHARF_REGISTRY_ALLOW=docker.io,registry.example.com npm start (any free port here).
  const cli = startCli({
    WHARF_LISTEN: '0.0.0.0:0',
    WHARF_TOKENS_FILE: tokensFile,
    WHARF_REGISTRY_ALLOW: 'docker.io,registry.example.com',
  });
  child = cli.child;
  logs = cli.logs;
  endpoint = `http://127.0.0.1:${new URL(await cli.url).port}/graphql`;
  bystander = await scope.shell('bystander', 'sleep 300');
}, 30_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  const own = await docker('ps', '-aq', '--filter', `label=team=${TEAM}`);
  if (own) await docker('rm', '-f', ...own.split('\n'));
  await scope.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README example: a viewer dashboard and an operator CI token on one Wharf', () => {
  it('runs as written', async () => {
    // The dashboard lists containers…
    const listed = await ok(DASHBOARD_TOKEN, '{ containers { edges { node { name state } } } }');
    expect(JSON.stringify(listed)).toContain(bystander);

    // …follows events over WebSocket (the token in connection_init)…
    const dashboard = createClient({
      url: endpoint.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${DASHBOARD_TOKEN}` },
    });
    const seen: string[] = [];
    type Event = { action?: string; attributes?: { key: string; value: string }[] };
    const events = dashboard.iterate<{ events: Event }>({
      // The actor's name from the event itself: a destroyed container has no `container` left.
      query: `subscription { events(filter: { type: [CONTAINER] }) {
        ... on EngineEvent { action attributes { key value } } } }`,
    });
    const following = (async () => {
      for await (const { data } of events) {
        const name = data?.events.attributes?.find((a) => a.key === 'name')?.value;
        if (name !== JOB) continue;
        seen.push(data?.events.action ?? '');
        if (data?.events.action === 'destroy') break;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // …and may not change anything.
    const refused = await graphql(
      DASHBOARD_TOKEN,
      `mutation { containerStop(ref: "${bystander}") { changed } }`,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'role.operator',
    });

    // CI creates and starts its container: the server stamps it with CI's label.
    const created = await ok(
      CI_TOKEN,
      `mutation { containerCreate(start: true, input: {
        image: "${FIXTURE_IMAGE}", name: "${JOB}", env: ["DB_PASSWORD=${SECRET}"],
        cmd: ["sh", "-c", "echo build started; sleep 300"] }) { name state } }`,
    );
    expect(created.containerCreate).toEqual({ name: JOB, state: 'RUNNING' });
    expect(await docker('inspect', '-f', '{{index .Config.Labels "team"}}', JOB)).toBe(TEAM);

    // The dashboard sees it, env values redacted.
    const job = await ok(
      DASHBOARD_TOKEN,
      `{ container(ref: "${JOB}") { state env label(key: "team") logs { text } } }`,
    );
    expect(job.container).toMatchObject({
      state: 'RUNNING',
      env: expect.arrayContaining(['DB_PASSWORD=***']),
      label: TEAM,
      logs: [expect.objectContaining({ text: 'build started' })],
    });
    expect(JSON.stringify(job)).not.toContain(SECRET);

    // CI runs non-root execs in it, and reads its env redacted too (env values are admin's).
    const exec = await ok(
      CI_TOKEN,
      `mutation { exec(container: "${JOB}", cmd: ["id", "-u"], user: "1000") { stdout exitCode } }`,
    );
    expect(exec.exec).toEqual({ stdout: '1000\n', exitCode: 0 });
    const root = await graphql(
      CI_TOKEN,
      `mutation { exec(container: "${JOB}", cmd: ["id"], user: "root") { stdout } }`,
    );
    expect(root.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'exec.user-root',
    });
    const own = await ok(CI_TOKEN, `{ container(ref: "${JOB}") { env } }`);
    expect(own.container).toEqual({ env: expect.arrayContaining(['DB_PASSWORD=***']) });

    // Pulls reach only the registries in WHARF_REGISTRY_ALLOW.
    const pull = await graphql(
      CI_TOKEN,
      'mutation { imagePull(ref: "127.0.0.1:5000/app:1") { id } }',
    );
    expect(pull.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'pull.registry',
    });

    // CI sees its own container and shared ones, but may only touch its own.
    const stopBystander = await graphql(
      CI_TOKEN,
      `mutation { containerStop(ref: "${bystander}") { changed } }`,
    );
    expect(stopBystander.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'tenancy.scope',
    });
    // Below admin, no privileged create.
    const privileged = await graphql(
      CI_TOKEN,
      `mutation { containerCreate(input: { image: "${FIXTURE_IMAGE}", privileged: true }) { name } }`,
    );
    expect(privileged.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'create.privileged',
    });

    // CI stops and removes its container; the dashboard followed it all.
    await ok(CI_TOKEN, `mutation { containerStop(ref: "${JOB}", timeout: 0) { changed } }`);
    await ok(CI_TOKEN, `mutation { containerRemove(ref: "${JOB}") { removed } }`);
    await following;
    await dashboard.dispose();
    expect(seen).toEqual(expect.arrayContaining(['create', 'start', 'die', 'destroy']));
    expect(await docker('inspect', '-f', '{{.State.Running}}', bystander)).toBe('true');

    // Every mutation and denial is an audit line in the log (no WHARF_AUDIT_FILE), by token name.
    const audit = logs.filter((entry) => entry.audit === true);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          principal: 'dashboard',
          decision: 'deny',
          rule: 'role.operator',
        }),
        expect.objectContaining({
          principal: 'ci',
          operation: 'containerCreate',
          decision: 'allow',
        }),
        expect.objectContaining({ principal: 'ci', decision: 'deny', rule: 'tenancy.scope' }),
        expect.objectContaining({ principal: 'ci', decision: 'deny', rule: 'create.privileged' }),
        expect.objectContaining({ principal: 'ci', decision: 'deny', rule: 'pull.registry' }),
        expect.objectContaining({
          principal: 'ci',
          operation: 'containerRemove',
          decision: 'allow',
        }),
      ]),
    );
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    expect(JSON.stringify(logs)).not.toContain(CI_TOKEN);
  });
});
