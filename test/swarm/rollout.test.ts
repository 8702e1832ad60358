import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_IMAGE } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { PrivateEngine } from '../helpers/private-engine.ts';
import { QUICK_STOP, runningStates, startSwarmEngine, until } from '../helpers/swarm.ts';

/**
 * serviceUpdate, serviceRollback and serviceRollout on a single-node swarm. A second tag of the fixture image
 * stands for a new release: no registry is reachable, so images stay unpinned (with a warning).
 */
let engine: PrivateEngine;
let admin: TestGateway;
let operator: TestGateway;
const WEB = 'wharf-update-web';
const CAPPED = 'wharf-update-capped';
const V2 = 'wharf-fixture:v2';

interface ServiceView {
  image: string;
  env: string[];
  replicas: number;
  version: number;
  updateState: string | null;
  label: string | null;
}
const VIEW = 'image env replicas version updateState label(key: "release")';

const inspect = (format: string, name = WEB) =>
  engine.docker('service', 'inspect', '-f', format, name);

async function serviceOf(name = WEB): Promise<ServiceView> {
  const { service } = await operator.data<{ service: ServiceView }>(
    `{ service(ref: "${name}") { ${VIEW} } }`,
  );
  return service;
}

const settled = async (state: string) => (await serviceOf()).updateState === state;

beforeAll(async () => {
  engine = await startSwarmEngine('swarm-update');
  await engine.docker('tag', FIXTURE_IMAGE, V2);
  const engines = [{ name: 'swarm', dockerHost: engine.dockerHost, default: true }];
  admin = await startGateway({ engines });
  operator = await startGateway({
    engines,
    principal: { kind: 'token', name: 'op', role: 'operator', labels: [] },
  });
}, 180_000);

afterAll(async () => {
  await admin?.stop();
  await operator?.stop();
  for (const name of [WEB, CAPPED]) await engine?.docker('service', 'rm', name).catch(() => '');
  await engine?.stop();
}, 120_000);

describe('serviceUpdate and serviceRollback', () => {
  it('creates a service with its update and rollback config', async () => {
    await operator.data(`mutation {
      serviceCreate(input: {
        name: "${WEB}", image: "${FIXTURE_IMAGE}", replicas: 2, command: ${JSON.stringify(QUICK_STOP)},
        env: ["STAGE=one"],
        updateConfig: {
          parallelism: 1, delaySeconds: 0.5, monitorSeconds: 1, order: START_FIRST, failureAction: PAUSE
        },
        rollbackConfig: { parallelism: 2, monitorSeconds: 1, order: STOP_FIRST, failureAction: CONTINUE }
      }) { service { name } }
    }`);
    expect(JSON.parse(await inspect('{{json .Spec.UpdateConfig}}'))).toMatchObject({
      Parallelism: 1,
      Delay: 500_000_000,
      Monitor: 1_000_000_000,
      Order: 'start-first',
      FailureAction: 'pause',
    });
    expect(JSON.parse(await inspect('{{json .Spec.RollbackConfig}}'))).toMatchObject({
      Parallelism: 2,
      Order: 'stop-first',
      FailureAction: 'continue',
    });
  });

  it('refuses a rollback of a service never updated (CONFLICT) and bad input (BAD_USER_INPUT)', async () => {
    const never = await operator.query(`mutation { serviceRollback(ref: "${WEB}") { name } }`);
    expect(never.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    for (const input of [
      '{}',
      '{ rollbackConfig: { failureAction: ROLLBACK } }',
      '{ replicas: -1 }',
      '{ env: ["NOEQUALS"] }',
      '{ updateConfig: { delaySeconds: -1 } }',
      '{ updateConfig: { monitorSeconds: 90000 } }',
    ]) {
      const bad = await operator.query(
        `mutation { serviceUpdate(ref: "${WEB}", input: ${input}) { service { name } } }`,
      );
      expect(bad.errors?.[0]?.extensions?.code, input).toBe('BAD_USER_INPUT');
    }
  });

  it('updates image, env, labels, replicas and limits; the tasks are replaced', async () => {
    const before = await serviceOf();
    const { serviceUpdate } = await operator.data<{
      serviceUpdate: { service: ServiceView; warnings: string[] };
    }>(`mutation {
      serviceUpdate(ref: "${WEB}", input: {
        image: "${V2}", env: ["STAGE=two"], labels: [{ key: "release", value: "2" }],
        replicas: 3, memoryBytes: 67108864, updateConfig: { delaySeconds: 0 }
      }) { service { ${VIEW} } warnings }
    }`);
    expect(serviceUpdate.service).toMatchObject({
      image: V2,
      env: ['STAGE=***'],
      replicas: 3,
      label: '2',
    });
    expect(serviceUpdate.service.version).toBeGreaterThan(before.version);
    expect(serviceUpdate.warnings.join('\n')).toMatch(/could not be accessed on a registry/);
    // Only what was asked changed: the update config keeps its other values.
    expect(JSON.parse(await inspect('{{json .Spec.UpdateConfig}}'))).toMatchObject({
      Parallelism: 1,
      Order: 'start-first',
    });
    expect(await inspect('{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}}')).toBe('67108864');
    await until('the update to complete', () => settled('completed'), 90_000);
    const images = await engine.docker(
      'service',
      'ps',
      '--filter',
      'desired-state=running',
      '--format',
      '{{.Image}}',
      WEB,
    );
    expect(images.split('\n')).toEqual([V2, V2, V2]);
  });

  it('refuses an update naming a stale version (CONFLICT), and leaves the spec alone', async () => {
    const { version } = await serviceOf();
    await engine.docker('service', 'update', '--detach', '--label-add', 'touched=yes', WEB);
    const stale = await operator.query(
      `mutation { serviceUpdate(ref: "${WEB}", input: { env: ["STAGE=stale"], version: ${version} }) { service { name } } }`,
    );
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await inspect('{{json .Spec.TaskTemplate.ContainerSpec.Env}}')).toBe('["STAGE=two"]');
  });

  it('rolls back to the spec before the last update', async () => {
    // The CLI's label change was the last update; one through Wharf makes STAGE=two the previous.
    await operator.data(
      `mutation { serviceUpdate(ref: "${WEB}", input: { env: ["STAGE=three"] }) { service { name } } }`,
    );
    await until('the update to complete', () => settled('completed'), 90_000);
    const { serviceRollback } = await operator.data<{ serviceRollback: ServiceView }>(
      `mutation { serviceRollback(ref: "${WEB}") { ${VIEW} } }`,
    );
    expect(serviceRollback.env).toEqual(['STAGE=***']);
    expect(await inspect('{{json .Spec.TaskTemplate.ContainerSpec.Env}}')).toBe('["STAGE=two"]');
    await until('the rollback to complete', () => settled('rollback_completed'), 90_000);
  });

  it('checks a new image, command or env under the create policy; replicas alone are not', async () => {
    await admin.data(`mutation {
      serviceCreate(input: {
        name: "${CAPPED}", image: "${FIXTURE_IMAGE}", replicas: 0, capAdd: ["NET_ADMIN"]
      }) { service { name } }
    }`);
    const { result, calls } = await operator.countCalls(() =>
      operator.query(
        `mutation { serviceUpdate(ref: "${CAPPED}", input: { env: ["A=1"] }) { service { name } } }`,
      ),
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      rule: 'create.cap-add',
    });
    expect(calls.filter((call) => call.method !== 'GET')).toEqual([]);
    const scaled = await operator.data<{ serviceUpdate: { service: { replicas: number } } }>(
      `mutation { serviceUpdate(ref: "${CAPPED}", input: { replicas: 0 }) { service { replicas } } }`,
    );
    expect(scaled.serviceUpdate.service.replicas).toBe(0);
  });

  it('follows a rollout to its end through serviceRollout, and frees its subscription', async () => {
    await operator.data(
      `mutation { serviceUpdate(ref: "${WEB}", input: { image: "${FIXTURE_IMAGE}" }) { service { name } } }`,
    );
    const seen: {
      runningTasks: number;
      desiredTasks: number;
      state: string | null;
      done: boolean;
    }[] = [];
    for await (const result of operator.subscribe<{ serviceRollout: (typeof seen)[number] }>(
      `subscription { serviceRollout(ref: "${WEB}") { runningTasks desiredTasks state done } }`,
    )) {
      expect(result.errors).toBeUndefined();
      if (result.data) seen.push(result.data.serviceRollout);
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.slice(0, -1).every((progress) => !progress.done)).toBe(true);
    expect(seen.at(-1)).toEqual({
      runningTasks: 3,
      desiredTasks: 3,
      state: 'completed',
      done: true,
    });
    expect(await inspect('{{.Spec.TaskTemplate.ContainerSpec.Image}}')).toBe(FIXTURE_IMAGE);
    await until('the subscription to be released', async () => operator.subscriptions() === 0);
  }, 120_000);

  it('ends at once on a settled service, and a missing one is NOT_FOUND', async () => {
    const settledOnce = [];
    for await (const result of operator.subscribe(
      `subscription { serviceRollout(ref: "${WEB}") { state done } }`,
    )) {
      settledOnce.push(result.data);
    }
    expect(settledOnce).toEqual([{ serviceRollout: { state: 'completed', done: true } }]);
    const missing = operator.subscribe(
      `subscription { serviceRollout(ref: "wharf-nope") { done } }`,
    );
    const error = await missing.next().then(
      (r) => r.value,
      (errors: unknown) => ({ errors }),
    );
    expect(JSON.stringify(error)).toContain('NOT_FOUND');
  });
});

describe('swarm-scope events', () => {
  it('delivers service and secret events through `events`, with the swarm scope', async () => {
    type Seen = { type: string; action: string; actorId: string; scope: string | null };
    const events = admin.subscribe<{ events: Seen }>(
      `subscription { events(filter: { type: [SERVICE, SECRET] }) { ... on EngineEvent { type action actorId scope } } }`,
    );
    const seen: Seen[] = [];
    const reading = (async () => {
      for await (const result of events) {
        if (result.data) seen.push(result.data.events);
        if (seen.some((event) => event.type === 'SECRET' && event.action === 'remove')) return;
      }
    })();
    // The subscription is running once the events subscription counts; then act.
    await until('the events subscription', async () => admin.subscriptions() > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const id = (
      await admin.data<{ secretCreate: { dockerId: string } }>(
        `mutation { secretCreate(name: "wharf-events-secret", data: "x") { dockerId } }`,
      )
    ).secretCreate.dockerId;
    await admin.data(`mutation { serviceScale(ref: "${WEB}", replicas: 3) { name } }`);
    await admin.data(`mutation { secretRemove(ref: "${id}") { dockerId } }`);
    await Promise.race([reading, new Promise((_, fail) => setTimeout(fail, 20_000, 'no events'))]);
    await events.return?.();
    expect(seen).toContainEqual({ type: 'SECRET', action: 'create', actorId: id, scope: 'swarm' });
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'SERVICE', action: 'update', scope: 'swarm' }),
    );
  });

  it("delivers a tenant its own services' and secrets' events, none of another's", async () => {
    const tenant = await startGateway({
      engines: [{ name: 'swarm', dockerHost: engine.dockerHost, default: true }],
      principal: { kind: 'token', name: 'team-a', role: 'operator', labels: ['team=a'] },
    });
    type Seen = { type: string; action: string; actorName: string | null };
    const events = tenant.subscribe<{ events: Seen }>(
      `subscription { events(filter: { type: [SERVICE, SECRET] }) { ... on EngineEvent { type action actorName } } }`,
    );
    const seen: Seen[] = [];
    const reading = (async () => {
      for await (const result of events) {
        if (result.data) seen.push(result.data.events);
        if (seen.some((event) => event.type === 'SERVICE' && event.action === 'remove')) return;
      }
    })();
    try {
      await until('the events subscription', async () => tenant.subscriptions() > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const secret = (label: string) =>
        `mutation { secretCreate(name: "wharf-events-${label}", data: "x", labels: [{ key: "team", value: "${label}" }]) { dockerId } }`;
      // Another tenant's secret and a shared one come first: were they delivered, they would be seen.
      const other = await admin.data<{ secretCreate: { dockerId: string } }>(secret('b'));
      const shared = await admin.data<{ secretCreate: { dockerId: string } }>(
        `mutation { secretCreate(name: "wharf-events-shared", data: "x") { dockerId } }`,
      );
      const own = await tenant.data<{ secretCreate: { dockerId: string } }>(secret('a'));
      // Created and removed at once: the remove is told from the labels Wharf remembered.
      await tenant.data(`mutation {
        serviceCreate(input: { name: "wharf-events-own", image: "${FIXTURE_IMAGE}", replicas: 0 }) { service { name } }
      }`);
      await tenant.data(`mutation { serviceRemove(ref: "wharf-events-own") { dockerId } }`);
      await Promise.race([
        reading,
        new Promise((_, fail) => setTimeout(fail, 20_000, 'no events')),
      ]);
      for (const { secretCreate } of [other, shared, own]) {
        await admin.data(`mutation { secretRemove(ref: "${secretCreate.dockerId}") { dockerId } }`);
      }
    } finally {
      await events.return?.();
      await tenant.stop();
    }
    expect(seen).toEqual([
      { type: 'SECRET', action: 'create', actorName: 'wharf-events-a' },
      { type: 'SERVICE', action: 'create', actorName: 'wharf-events-own' },
      { type: 'SERVICE', action: 'remove', actorName: 'wharf-events-own' },
    ]);
  });
});

describe('swarmNodeUpdate (admin)', () => {
  const update = (gateway: TestGateway, node: string, args: string) =>
    gateway.query<{ swarmNodeUpdate: { availability: string; role: string } }>(
      `mutation { swarmNodeUpdate(ref: "${node}", ${args}) { availability role } }`,
    );

  it('drains the only node: its tasks shut down, and come back when it is ACTIVE again', async () => {
    const node = await engine.docker('node', 'ls', '-q');
    const refused = await update(operator, node, 'availability: DRAIN');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await update(admin, node, '')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const drained = await update(
      admin,
      node,
      'availability: DRAIN, labels: [{ key: "zone", value: "a" }]',
    );
    expect(drained.data?.swarmNodeUpdate).toEqual({ availability: 'DRAIN', role: 'MANAGER' });
    expect(await engine.docker('node', 'inspect', '-f', '{{json .Spec.Labels}}', node)).toBe(
      '{"zone":"a"}',
    );
    await until(
      'the tasks to shut down',
      async () => (await runningStates(engine, WEB)).length === 0,
    );
    const desired = await engine.docker('service', 'ps', '--format', '{{.DesiredState}}', WEB);
    expect(desired.split('\n')).toContain('Shutdown');

    const active = await update(admin, node, 'availability: ACTIVE');
    expect(active.data?.swarmNodeUpdate.availability).toBe('ACTIVE');
    await until(
      'three running tasks again',
      async () => (await runningStates(engine, WEB)).length === 3,
      90_000,
    );
  });

  it('refuses to demote the last manager', async () => {
    const node = await engine.docker('node', 'ls', '-q');
    const demoted = await update(admin, node, 'role: WORKER');
    expect(demoted.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|CONFLICT/);
    expect(await engine.docker('node', 'inspect', '-f', '{{.Spec.Role}}', node)).toBe('manager');
  });
});
