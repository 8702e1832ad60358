import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { DEFAULT_POLICY } from '../../src/model/policy/policy-config.ts';
import { docker, FIXTURE_IMAGE, testScope } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/**
 * The deny matrix (#8 Part 4): a non-admin asks for each host-reaching option in turn. Each is
 * FORBIDDEN with its rule, before the engine hears of it (no engine call, nothing created), and
 * leaves one audit line.
 */

const scope = testScope('create-policy');
const operator: Principal = { kind: 'token', name: 'ci', role: 'operator', labels: [] };

const CREATE = `mutation ($input: ContainerCreateInput!) { containerCreate(input: $input) { dockerId } }`;
const VOLUME = `mutation ($input: VolumeCreateInput!) { volumeCreate(input: $input) { name } }`;
const PULL = `mutation ($ref: String!) { imagePull(ref: $ref) { id } }`;
const CONNECT = `mutation ($network: String!, $container: String!) {
  networkConnect(network: $network, container: $container) { id }
}`;
const EXEC = `mutation ($container: String!, $user: String) {
  exec(container: $container, cmd: ["id"], user: $user) { exitCode }
}`;
const EXEC_CREATE = `mutation ($input: ExecInput!) { execCreate(input: $input) { execId } }`;

// The allowed bind prefix, a directory next to it, and a link inside it that points out.
const root = mkdtempSync(join(tmpdir(), 'wharf-policy-'));
const allowed = join(root, 'allowed');
mkdirSync(join(allowed, 'data'), { recursive: true });
symlinkSync('/etc', join(allowed, 'escape'));

let gateway: TestGateway;
let admin: TestGateway;
let target: string;
let targetId: string;
/** Stands for a service on the engine's host: the pull must never connect to it. */
let bait: Server;
let baitPort: number;
let baitConnections = 0;

beforeAll(async () => {
  [gateway, admin] = await Promise.all([
    startGateway({ principal: operator, policy: { ...DEFAULT_POLICY, bindAllow: [allowed] } }),
    startGateway(),
  ]);
  target = await scope.shell('target', 'sleep 600');
  targetId = await docker('inspect', '-f', '{{.Id}}', target);
  bait = createServer((socket) => {
    baitConnections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
  baitPort = (bait.address() as { port: number }).port;
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), admin?.stop()]);
  await new Promise((resolve) => bait?.close(resolve));
  await scope.cleanup();
  rmSync(root, { recursive: true, force: true });
});

function container(fields: Record<string, unknown>) {
  return {
    query: CREATE,
    variables: {
      input: {
        image: FIXTURE_IMAGE,
        labels: [{ key: 'org.wharf.test', value: scope.run }],
        ...fields,
      },
    },
  };
}

const bind = (source: string) => ({ mounts: [{ type: 'BIND', source, target: '/m' }] });

function volume(driverOpts: Record<string, string>) {
  return {
    query: VOLUME,
    variables: {
      input: {
        labels: [{ key: 'org.wharf.test', value: scope.run }],
        driverOpts: Object.entries(driverOpts).map(([key, value]) => ({ key, value })),
      },
    },
  };
}

type Row = [name: string, request: () => { query: string; variables: object }, rule: string];

const rows: Row[] = [
  ['privileged', () => container({ privileged: true }), 'create.privileged'],
  ['capAdd ["sys_admin"]', () => container({ capAdd: ['sys_admin'] }), 'create.cap-add'],
  ['capAdd ["ALL"]', () => container({ capAdd: ['ALL'] }), 'create.cap-add'],
  ['devices', () => container({ devices: [{ pathOnHost: '/dev/null' }] }), 'create.devices'],
  ['BIND of /', () => container(bind('/')), 'create.bind-docker-socket'],
  [
    'BIND of /var/run/docker.sock',
    () => container(bind('/var/run/docker.sock')),
    'create.bind-docker-socket',
  ],
  ['BIND of /etc', () => container(bind('/etc')), 'create.bind'],
  ['BIND of <allowed>/../../etc', () => container(bind(`${allowed}/../../etc`)), 'create.bind'],
  ['BIND of a symlink out of <allowed>', () => container(bind(`${allowed}/escape`)), 'create.bind'],
  ['networkMode "host"', () => container({ networkMode: 'host' }), 'create.network-mode'],
  [
    'networkMode "container:<id>"',
    () => container({ networkMode: `container:${targetId}` }),
    'create.network-mode',
  ],
  ['networks [host]', () => container({ networks: [{ network: 'host' }] }), 'create.network-mode'],
  ['pidMode "host"', () => container({ pidMode: 'host' }), 'create.pid-mode'],
  [
    'pidMode "container:<id>"',
    () => container({ pidMode: `container:${targetId}` }),
    'create.pid-mode',
  ],
  ['ipcMode "host"', () => container({ ipcMode: 'host' }), 'create.ipc-mode'],
  [
    'securityOpt ["seccomp=unconfined"]',
    () => container({ securityOpt: ['seccomp=unconfined'] }),
    'create.security-opt',
  ],
  [
    'securityOpt ["apparmor=unconfined"]',
    () => container({ securityOpt: ['apparmor=unconfined'] }),
    'create.security-opt',
  ],
  [
    'securityOpt ["label=disable"]',
    () => container({ securityOpt: ['label=disable'] }),
    'create.security-opt',
  ],
  [
    'a local volume with o=bind, device=/',
    () => volume({ type: 'none', o: 'bind', device: '/' }),
    'volume.bind',
  ],
  [
    'a local volume with device=/etc',
    () => volume({ type: 'none', device: '/etc' }),
    'volume.bind',
  ],
  [
    'a pull from 127.0.0.1:<port>',
    () => ({ query: PULL, variables: { ref: `127.0.0.1:${baitPort}/x:y` } }),
    'pull.registry',
  ],
  [
    'a pull from localhost:<port>',
    () => ({ query: PULL, variables: { ref: `localhost:${baitPort}/x:y` } }),
    'pull.registry',
  ],
  [
    'networkConnect into host',
    () => ({ query: CONNECT, variables: { network: 'host', container: target } }),
    'network.host',
  ],
  [
    'exec as uid 0',
    () => ({ query: EXEC, variables: { container: target, user: '0' } }),
    'exec.user-root',
  ],
  [
    'execCreate as root',
    () => ({
      query: EXEC_CREATE,
      variables: { input: { container: target, cmd: ['id'], user: 'root' } },
    }),
    'exec.user-root',
  ],
];

async function labelled(kind: 'ps' | 'volume') {
  const args = kind === 'ps' ? ['ps', '-aq'] : ['volume', 'ls', '-q'];
  return docker(...args, '--filter', `label=org.wharf.test=${scope.run}`);
}

describe('the create policy for a non-admin (real engine)', () => {
  it.each(rows)(
    '%s: FORBIDDEN with its rule, no engine call, nothing created, one audit line',
    async (_name, request, rule) => {
      const { query, variables } = request();
      const auditsBefore = gateway.audits.length;
      const containersBefore = await labelled('ps');
      const { result, calls } = await gateway.countCalls(() => gateway.query(query, variables));
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', rule });
      expect(result.errors?.[0]?.message).toContain(`(rule ${rule})`);
      expect(calls).toEqual([]);
      expect(await labelled('ps')).toBe(containersBefore);
      expect(await labelled('volume')).toBe('');
      expect(gateway.audits.slice(auditsBefore)).toMatchObject([
        { principal: 'ci', role: 'operator', decision: 'deny', rule },
      ]);
      expect(gateway.audits.slice(auditsBefore)).toHaveLength(1);
    },
  );

  it('refuses the imagePull subscription too, before the engine is asked', async () => {
    const results = gateway.subscribe(
      'subscription ($ref: String!) { imagePull(ref: $ref) { __typename } }',
      { ref: `127.0.0.1:${baitPort}/x:y` },
    );
    const { calls, result } = await gateway.countCalls(async () => {
      try {
        return (await results.next()).value as { errors?: { extensions?: unknown }[] };
      } catch (errors) {
        return { errors: errors as { extensions?: unknown }[] };
      }
    });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', rule: 'pull.registry' });
    expect(calls).toEqual([]);
  });

  it('made no pull: nothing connected to the port, no image by that name', async () => {
    expect(baitConnections).toBe(0);
    expect(await docker('images', '-q', `127.0.0.1:${baitPort}/x`)).toBe('');
    expect(await docker('images', '-q', `localhost:${baitPort}/x`)).toBe('');
  });

  it('refuses exec without a user into a container that runs as root, after one inspect (or none, cached)', async () => {
    const { result, calls } = await gateway.countCalls(() =>
      gateway.query(EXEC_CREATE, { input: { container: target, cmd: ['id'] } }),
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', rule: 'exec.user-root' });
    expect(calls.map((call) => call.method)).toEqual(gateway.cache ? [] : ['GET']);
    expect(await docker('inspect', '-f', '{{len .ExecIDs}}', target)).toBe('0');
  });

  it('allows what is host-safe: a BIND inside WHARF_BIND_ALLOW, exec as a non-root user', async () => {
    const { query, variables } = container({
      ...bind(`${allowed}/data`),
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges'],
    });
    const created = await gateway.query<{ containerCreate: { dockerId: string } }>(
      query,
      variables,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data?.containerCreate.dockerId as string;
    expect(await docker('inspect', '-f', '{{range .Mounts}}{{.Source}}{{end}}', id)).toBe(
      `${allowed}/data`,
    );
    const exec = await gateway.query(EXEC_CREATE, {
      input: { container: target, cmd: ['id'], user: '1000' },
    });
    expect(exec.errors).toBeUndefined();
  });

  it('lets admin (the local principal) create a privileged container', async () => {
    const { query, variables } = container({ privileged: true, ...bind('/etc') });
    const created = await admin.query<{ containerCreate: { dockerId: string } }>(query, variables);
    expect(created.errors).toBeUndefined();
    const id = created.data?.containerCreate.dockerId as string;
    expect(await docker('inspect', '-f', '{{.HostConfig.Privileged}}', id)).toBe('true');
  });
});
