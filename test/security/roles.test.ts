import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/principal.ts';
import { docker, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';
import { TOKENS, tokenStore } from '../helpers/tokens.ts';

const scope = testScope('roles');
const ghost = `wharf-${scope.run}-ghost`;
const [labelKey, labelValue] = scope.label.split('=') as [string, string];
const labelInput = `labels: [{ key: "${labelKey}", value: "${labelValue}" }]`;
const labelFilter = `filter: { label: ["${scope.label}"] }`;
/** Refused at once (connection refused): an allowed pull reaches the engine and fails fast. */
const unreachable = '127.0.0.1:1/wharf-role-matrix:none';

/** Every mutation with the role it needs, on objects that do not exist or are this file's own. */
const MUTATIONS: [string, Role, string][] = [
  [
    'containerCreate',
    'operator',
    `containerCreate(input: { image: "${ghost}", ${labelInput} }) { __typename }`,
  ],
  ['containerStart', 'operator', `containerStart(ref: "${ghost}") { __typename }`],
  ['containerStop', 'operator', `containerStop(ref: "${ghost}") { __typename }`],
  ['containerRestart', 'operator', `containerRestart(ref: "${ghost}") { __typename }`],
  ['containerKill', 'operator', `containerKill(ref: "${ghost}") { __typename }`],
  ['containerPause', 'operator', `containerPause(ref: "${ghost}") { __typename }`],
  ['containerUnpause', 'operator', `containerUnpause(ref: "${ghost}") { __typename }`],
  [
    'containerRename',
    'operator',
    `containerRename(ref: "${ghost}", name: "${ghost}-2") { __typename }`,
  ],
  [
    'containerUpdate',
    'operator',
    `containerUpdate(ref: "${ghost}", input: { pidsLimit: 100 }) { __typename }`,
  ],
  ['containerRemove', 'operator', `containerRemove(ref: "${ghost}") { __typename }`],
  ['containerWait', 'operator', `containerWait(ref: "${ghost}") { __typename }`],
  ['containersPrune', 'admin', `containersPrune(${labelFilter}) { __typename }`],
  ['exec', 'operator', `exec(container: "${ghost}", cmd: ["true"], user: "1000") { __typename }`],
  [
    'execCreate',
    'operator',
    `execCreate(input: { container: "${ghost}", cmd: ["true"], user: "1000" }) { __typename }`,
  ],
  ['execInput', 'operator', `execInput(execId: "${ghost}", data: "x")`],
  ['execResize', 'operator', `execResize(execId: "${ghost}", rows: 10, cols: 10)`],
  ['imagePull', 'operator', `imagePull(ref: "${unreachable}") { __typename }`],
  ['imageTag', 'operator', `imageTag(ref: "${ghost}", repo: "${ghost}") { __typename }`],
  ['imageRemove', 'admin', `imageRemove(ref: "${ghost}") { __typename }`],
  ['imagesPrune', 'admin', `imagesPrune(${labelFilter}) { __typename }`],
  [
    'networkCreate',
    'operator',
    `networkCreate(input: { name: "${ghost}", ${labelInput} }) { __typename }`,
  ],
  [
    'networkConnect',
    'operator',
    `networkConnect(network: "${ghost}", container: "${ghost}") { __typename }`,
  ],
  [
    'networkDisconnect',
    'operator',
    `networkDisconnect(network: "${ghost}", container: "${ghost}") { __typename }`,
  ],
  ['networkRemove', 'operator', `networkRemove(ref: "${ghost}-none") { __typename }`],
  ['networksPrune', 'admin', `networksPrune(${labelFilter}) { __typename }`],
  [
    'volumeCreate',
    'operator',
    `volumeCreate(input: { name: "${ghost}", ${labelInput} }) { __typename }`,
  ],
  ['volumeRemove', 'operator', `volumeRemove(name: "${ghost}-none") { __typename }`],
  ['volumesPrune', 'admin', `volumesPrune(${labelFilter}) { __typename }`],
];

const SUBSCRIPTIONS: [string, Role, string][] = [
  ['events', 'viewer', 'events { __typename }'],
  ['containerLogs', 'viewer', `containerLogs(ref: "${ghost}") { __typename }`],
  ['containerStats', 'viewer', `containerStats(ref: "${ghost}") { __typename }`],
  ['execAttach', 'operator', `execAttach(execId: "${ghost}") { __typename }`],
  ['imagePull', 'operator', `imagePull(ref: "${unreachable}") { __typename }`],
];

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ tokens: tokenStore() });
});
afterAll(async () => {
  await gateway?.stop();
  await scope.cleanup();
});

/**
 * The first result of a subscription over WebSocket, or its errors when it is refused. A refusal
 * comes at once; a stream that has nothing to say within `ms` (events) counts as started.
 */
async function firstOf(field: string, token: string, ms = 1000): Promise<Result<unknown>> {
  const results = gateway.subscribe(
    `subscription { ${field} }`,
    undefined,
    gateway.wsClient(token),
  );
  const quiet = new Promise<Result<unknown>>((resolve) => setTimeout(() => resolve({}), ms));
  try {
    const first = results.next().then((r) => r.value as Result<unknown>);
    return await Promise.race([first, quiet]);
  } catch (errors) {
    return { errors: errors as Result<unknown>['errors'] };
  } finally {
    void results.return?.();
  }
}

/** Whether the answer is a role refusal (FORBIDDEN with a `role.*` rule). */
function roleRule(result: Result<unknown>): string | undefined {
  const error = result.errors?.find((e) => String(e.extensions?.rule ?? '').startsWith('role.'));
  if (error) expect(error.extensions?.code).toBe('FORBIDDEN');
  return error?.extensions?.rule as string | undefined;
}

describe('the role matrix', () => {
  it('refuses every mutation without a token: UNAUTHENTICATED, no engine call', async () => {
    for (const [name, , field] of MUTATIONS) {
      const { result, calls } = await gateway.countCalls(() =>
        gateway.query(`mutation { ${field} }`),
      );
      expect(result.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
      expect(calls, name).toEqual([]);
    }
  });

  for (const role of ROLES) {
    it(`mutations as ${role}: below the field's role FORBIDDEN with no engine call`, async () => {
      for (const [name, needs, field] of MUTATIONS) {
        const { result, calls } = await gateway.countCalls(() =>
          gateway.query(`mutation { ${field} }`, undefined, TOKENS[role]),
        );
        if (RANK[role] < RANK[needs]) {
          expect(roleRule(result), name).toBe(`role.${needs}`);
          expect(calls, name).toEqual([]);
        } else {
          expect(roleRule(result), name).toBeUndefined();
        }
      }
    });

    it(`subscriptions as ${role}`, async () => {
      for (const [name, needs, field] of SUBSCRIPTIONS) {
        const { result, calls } = await gateway.countCalls(() => firstOf(field, TOKENS[role]));
        if (RANK[role] < RANK[needs]) {
          expect(roleRule(result), name).toBe(`role.${needs}`);
          expect(calls, name).toEqual([]);
        } else {
          expect(roleRule(result), name).toBeUndefined();
        }
      }
    });
  }

  it('lets a viewer read and a mutation it may run reach the engine', async () => {
    const read = await gateway.query(
      '{ containers { edges { node { name } } } }',
      undefined,
      TOKENS.viewer,
    );
    expect(read.errors).toBeUndefined();
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(
        `mutation { containerStart(ref: "${ghost}") { __typename } }`,
        undefined,
        TOKENS.operator,
      ),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(calls.length).toBeGreaterThan(0);
  });

  it('writes one audit line for a role refusal, naming the rule', async () => {
    const before = gateway.audits.length;
    await gateway.query(
      `mutation { volumesPrune(${labelFilter}) { __typename } }`,
      undefined,
      TOKENS.operator,
    );
    expect(gateway.audits.slice(before)).toEqual([
      expect.objectContaining({
        principal: 'ci',
        operation: 'volumesPrune',
        decision: 'deny',
        rule: 'role.admin',
      }),
    ]);
  });
});

describe('secrets below admin', () => {
  const secret = randomBytes(12).toString('hex');
  let name: string;

  beforeAll(async () => {
    name = await scope.shell(
      'secret',
      'sleep 300',
      '-e',
      `DB_PASSWORD=${secret}`,
      '--label',
      `db.password=${secret}`,
    );
  });

  const READ = (ref: string) => `{
    container(ref: "${ref}") { env labels { key value } label(key: "db.password") config { cmd } }
    containers(all: true, filter: { label: ["${scope.label}"] }) { edges { node { env labels { value } } } }
  }`;

  it('never shows a viewer or operator the env value or a secret-looking label', async () => {
    for (const token of [TOKENS.viewer, TOKENS.operator]) {
      const result = await gateway.query(READ(name), undefined, token);
      expect(result.errors).toBeUndefined();
      const text = JSON.stringify(result);
      expect(text).not.toContain(secret);
      expect(text).toContain('DB_PASSWORD=***');
    }
    const admin = await gateway.query(READ(name), undefined, TOKENS.admin);
    expect(JSON.stringify(admin)).toContain(`DB_PASSWORD=${secret}`);
  });

  it("redacts the labels in a viewer's events", async () => {
    const results = gateway.subscribe(
      `subscription { events(filter: { container: ["${name}"] }) { ... on EngineEvent { action attributes { key value } } } }`,
      undefined,
      gateway.wsClient(TOKENS.viewer),
    );
    const first = results.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await docker('pause', name);
    await docker('unpause', name);
    const event = await first;
    await results.return?.();
    const text = JSON.stringify(event.value);
    expect(text).toContain('db.password');
    expect(text).not.toContain(secret);
  });
});

describe('exec sessions', () => {
  let name: string;

  beforeAll(async () => {
    name = await scope.shell('exec', 'sleep 300');
  });

  async function execAs(token: string, user = '1000'): Promise<string> {
    const result = await gateway.query<{ execCreate: { execId: string } }>(
      `mutation { execCreate(input: { container: "${name}", cmd: ["cat"], stdin: true, user: "${user}" }) { execId } }`,
      undefined,
      token,
    );
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.execCreate.execId;
  }

  it("refuses another principal's exec id, even an admin's attach", async () => {
    const id = await execAs(TOKENS.operator);
    for (const token of [TOKENS.operator2, TOKENS.admin]) {
      const { result: input, calls } = await gateway.countCalls(() =>
        gateway.query(`mutation { execInput(execId: "${id}", data: "x") }`, undefined, token),
      );
      expect(input.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        rule: 'exec.owner',
      });
      expect(calls).toEqual([]);
      const resize = await gateway.query(
        `mutation { execResize(execId: "${id}", rows: 5, cols: 5) }`,
        undefined,
        token,
      );
      expect(resize.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        rule: 'exec.owner',
      });
      const attach = await firstOf(`execAttach(execId: "${id}") { __typename }`, token);
      expect(attach.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        rule: 'exec.owner',
      });
    }
  });

  it('lets the creator attach and write', async () => {
    const id = await execAs(TOKENS.operator);
    const results = gateway.subscribe<{ execAttach: { __typename: string; text?: string } }>(
      `subscription { execAttach(execId: "${id}") { __typename ... on ExecOutput { text } } }`,
      undefined,
      gateway.wsClient(TOKENS.operator),
    );
    const first = results.next();
    await expect
      .poll(async () => {
        const r = await gateway.query(
          `mutation { execInput(execId: "${id}", data: "hello\\n", closeStdin: true) }`,
          undefined,
          TOKENS.operator,
        );
        return r.errors?.[0]?.extensions?.code ?? 'ok';
      })
      .toBe('ok');
    expect(JSON.stringify((await first).value)).toContain('hello');
    await results.return?.();
  });

  it('refuses an operator exec as root', async () => {
    // Unset and empty: the container's user, root in the fixture image.
    for (const user of ['root', '0', '0:0', 'root:root', '', undefined]) {
      const userArg = user === undefined ? '' : `, user: "${user}"`;
      const result = await gateway.query(
        `mutation { execCreate(input: { container: "${name}", cmd: ["true"]${userArg} }) { execId } }`,
        undefined,
        TOKENS.operator,
      );
      expect(result.errors?.[0]?.extensions?.code, user).toBe('FORBIDDEN');
    }
  });
});
