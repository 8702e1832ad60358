import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, dockerJson, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('tenancy');
// Tenants cannot set org.wharf.* labels (the test scope label), so their values name the run.
const TEAM_A = `a-${scope.run}`;
const TEAM_B = `b-${scope.run}`;
const A = 'tenant-a-0123456789abcdef';
const B = 'tenant-b-0123456789abcdef';
const names = {
  a: scope.name('a'),
  b: scope.name('b'),
  netA: scope.name('net-a'),
  netB: scope.name('net-b'),
  volA: scope.name('vol-a'),
  volB: scope.name('vol-b'),
  missing: scope.name('missing'),
};
let shared: string;
let idB: string;
let nodeB: string;
let gateway: TestGateway;

type Data = Record<string, unknown>;

async function as(token: string, document: string): Promise<Result<Data>> {
  return gateway.query<Data>(document, undefined, token);
}

async function ok(token: string, document: string): Promise<Data> {
  const result = await as(token, document);
  expect(result.errors, document).toBeUndefined();
  return result.data as Data;
}

function errorOf(result: Result<Data>) {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, rule: error?.extensions?.rule, message: error?.message };
}

/** Creates a tenant's network, volume and running container (on both), through Wharf. */
async function createFor(token: string, container: string, network: string, volume: string) {
  await ok(token, `mutation { networkCreate(input: { name: "${network}" }) { id } }`);
  await ok(token, `mutation { volumeCreate(input: { name: "${volume}" }) { name } }`);
  const data = await ok(
    token,
    `mutation { containerCreate(start: true, input: {
      image: "${FIXTURE_IMAGE}", name: "${container}", user: "1000",
      cmd: ["sh", "-c", "echo from-${container}; sleep 300"],
      networks: [{ network: "${network}" }],
      mounts: [{ type: VOLUME, source: "${volume}", target: "/data" }]
    }) { id dockerId } }`,
  );
  return data.containerCreate as { id: string; dockerId: string };
}

async function subscriptionError(token: string, field: string) {
  const results = gateway.subscribe(
    `subscription { ${field} }`,
    undefined,
    gateway.wsClient(token),
  );
  try {
    const first = (await results.next()).value as Result<Data>;
    return errorOf(first);
  } catch (errors) {
    return errorOf({ errors: errors as Result<Data>['errors'] });
  } finally {
    void results.return?.();
  }
}

beforeAll(async () => {
  const tokens = parseTokens(
    JSON.stringify([
      { name: 'ta', role: 'operator', token: A, labels: [`team=${TEAM_A}`] },
      { name: 'tb', role: 'operator', token: B, labels: [`team=${TEAM_B}`] },
    ]),
  );
  gateway = await startGateway({ tokens: new TokenStore(tokens) });
  shared = await scope.shell('shared', 'echo from-shared; sleep 300');
  await createFor(A, names.a, names.netA, names.volA);
  const b = await createFor(B, names.b, names.netB, names.volB);
  idB = b.dockerId;
  nodeB = b.id;
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const team of [TEAM_A, TEAM_B]) {
    const filter = ['--filter', `label=team=${team}`];
    const containers = await docker('ps', '-aq', ...filter);
    if (containers) await docker('rm', '-f', '-v', ...containers.split('\n'));
    const networks = await docker('network', 'ls', '-q', ...filter);
    if (networks) await docker('network', 'rm', ...networks.split('\n'));
    const volumes = await docker('volume', 'ls', '-q', ...filter);
    if (volumes) await docker('volume', 'rm', ...volumes.split('\n'));
  }
  await scope.cleanup();
});

describe('label tenancy', () => {
  it('stamps what a tenant creates with its labels', async () => {
    const [container] = await dockerJson<{ Config: { Labels: Record<string, string> } }[]>(
      'inspect',
      names.a,
    );
    expect(container?.Config.Labels.team).toBe(TEAM_A);
    const network = await docker(
      'network',
      'inspect',
      '-f',
      '{{index .Labels "team"}}',
      names.netA,
    );
    expect(network).toBe(TEAM_A);
    const volume = await docker('volume', 'inspect', '-f', '{{index .Labels "team"}}', names.volA);
    expect(volume).toBe(TEAM_A);
  });

  it('refuses reserved labels and another tenant’s labels', async () => {
    for (const label of [
      `{ key: "org.wharf.x", value: "1" }`,
      `{ key: "team", value: "${TEAM_B}" }`,
    ]) {
      const result = await as(
        A,
        `mutation { volumeCreate(input: { name: "${names.missing}", labels: [${label}] }) { name } }`,
      );
      expect(errorOf(result)).toMatchObject({ code: 'FORBIDDEN', rule: 'tenancy.labels' });
    }
    expect(await docker('volume', 'ls', '-q', '--filter', `name=${names.missing}`)).toBe('');
  });

  it('lists only its own objects and shared ones', async () => {
    const data = await ok(
      A,
      `{ containers(all: true) { edges { node { name } } }
         networks { edges { node { name } } }
         volumes { edges { node { name } } } }`,
    );
    const listed = (field: string) =>
      (data[field] as { edges: { node: { name: string } }[] }).edges.map((e) => e.node.name);
    expect(listed('containers')).toEqual(expect.arrayContaining([names.a, shared]));
    expect(listed('containers')).not.toContain(names.b);
    expect(listed('networks')).toEqual(expect.arrayContaining([names.netA, 'bridge']));
    expect(listed('networks')).not.toContain(names.netB);
    expect(listed('volumes')).toContain(names.volA);
    expect(listed('volumes')).not.toContain(names.volB);
  });

  it('answers another tenant’s objects like missing ones, by ref, id and node id', async () => {
    const data = await ok(
      A,
      `{ byName: container(ref: "${names.b}") { id }
         byId: container(ref: "${idB}") { id }
         node(id: "${nodeB}") { id }
         network(ref: "${names.netB}") { id }
         volume(name: "${names.volB}") { name }
         own: container(ref: "${names.a}") { name }
         shared: container(ref: "${shared}") { name } }`,
    );
    expect(data).toEqual({
      byName: null,
      byId: null,
      node: null,
      network: null,
      volume: null,
      own: { name: names.a },
      shared: { name: shared },
    });
  });

  it('leaves another tenant’s objects out of every relation', async () => {
    const data = await ok(
      A,
      `{ image(ref: "${FIXTURE_IMAGE}") { containers { name } }
         own: container(ref: "${names.a}") {
           networks { network { name } }
           mounts { volume { name usedBy { name } } } } }`,
    );
    const image = data.image as { containers: { name: string }[] };
    const users = image.containers.map((c) => c.name);
    expect(users).toEqual(expect.arrayContaining([names.a, shared]));
    expect(users).not.toContain(names.b);
    expect(data.own).toEqual({
      networks: [{ network: { name: names.netA } }],
      mounts: [{ volume: { name: names.volA, usedBy: [{ name: names.a }] } }],
    });
  });

  it('refuses writes to another tenant’s objects as NOT_FOUND, to shared ones as FORBIDDEN', async () => {
    const stop = (ref: string) =>
      as(A, `mutation { containerStop(ref: "${ref}", timeout: 0) { changed } }`);
    const missing = errorOf(await stop(names.missing));
    const theirs = errorOf(await stop(names.b));
    expect(theirs.code).toBe('NOT_FOUND');
    expect(theirs.message?.replace(names.b, 'X')).toBe(
      missing.message?.replace(names.missing, 'X'),
    );
    expect(errorOf(await stop(idB)).code).toBe('NOT_FOUND');
    expect(errorOf(await stop(shared))).toMatchObject({ code: 'FORBIDDEN', rule: 'tenancy.scope' });
    const tag = await as(
      A,
      `mutation { imageTag(ref: "${FIXTURE_IMAGE}", repo: "${names.missing}") { id } }`,
    );
    expect(errorOf(tag)).toMatchObject({ code: 'FORBIDDEN', rule: 'tenancy.scope' });
    const removeNetwork = (ref: string) =>
      as(A, `mutation { networkRemove(ref: "${ref}") { dockerId } }`);
    expect(errorOf(await removeNetwork(names.netB)).message?.replace(names.netB, 'X')).toBe(
      errorOf(await removeNetwork(names.missing)).message?.replace(names.missing, 'X'),
    );
    for (const mutation of [
      `networkRemove(ref: "${names.netB}") { dockerId }`,
      `volumeRemove(name: "${names.volB}") { removed }`,
      `networkConnect(network: "${names.netA}", container: "${names.b}") { id }`,
    ]) {
      expect(errorOf(await as(A, `mutation { ${mutation} }`)).code, mutation).toBe('NOT_FOUND');
    }
    expect(await docker('inspect', '-f', '{{.State.Running}}', names.b)).toBe('true');
    expect(await docker('inspect', '-f', '{{.State.Running}}', shared)).toBe('true');
    expect(await docker('volume', 'ls', '-q', '--filter', `name=${names.volB}`)).toBe(names.volB);
  });

  it('lets a tenant read a shared container’s logs, and no other tenant’s logs, stats or exec', async () => {
    const data = await ok(A, `{ container(ref: "${shared}") { logs { text } } }`);
    expect((data.container as { logs: { text: string }[] }).logs).toEqual([
      expect.objectContaining({ text: 'from-shared' }),
    ]);
    expect(
      await subscriptionError(A, `containerLogs(ref: "${names.b}") { __typename }`),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await subscriptionError(A, `containerStats(ref: "${idB}") { __typename }`),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    const exec = (ref: string) =>
      as(A, `mutation { exec(container: "${ref}", cmd: ["echo", "hi"], user: "1000") { stdout } }`);
    expect(errorOf(await exec(names.b)).code).toBe('NOT_FOUND');
    expect(errorOf(await exec(shared))).toMatchObject({ code: 'FORBIDDEN', rule: 'tenancy.scope' });
    expect(
      (
        await ok(
          A,
          `mutation { exec(container: "${names.a}", cmd: ["echo", "hi"], user: "1000") { stdout } }`,
        )
      ).exec,
    ).toEqual({ stdout: 'hi\n' });
  });

  it('delivers a tenant only its own objects’ events', async () => {
    const events = gateway.subscribe<{ events: { actorId?: string } }>(
      'subscription { events(filter: { type: [CONTAINER] }) { ... on EngineEvent { actorId action } } }',
      undefined,
      gateway.wsClient(A),
    );
    const first = events.next();
    // Let the subscription reach the hub before anything happens.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ok(B, `mutation { containerPause(ref: "${names.b}") { changed } }`);
    await docker('pause', shared);
    await ok(A, `mutation { containerPause(ref: "${names.a}") { changed } }`);
    try {
      const ownId = await docker('inspect', '-f', '{{.Id}}', names.a);
      expect((await first).value?.data?.events.actorId).toBe(ownId);
    } finally {
      void events.return?.();
      await docker('unpause', shared);
    }
  });
});
