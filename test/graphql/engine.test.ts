import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_API_VERSION, MIN_API_VERSION } from '../../src/engine/api-version.ts';
import { dockerJson } from '../helpers/docker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

/** `docker version --format '{{json .Server}}'`. */
interface ServerVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
}

/** `docker info --format '{{json .}}'`, the fields Wharf reports. */
interface Info {
  ID: string;
  Name: string;
  OperatingSystem: string;
  NCPU: number;
  MemTotal: number;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  Swarm: { LocalNodeState: string };
}

interface EngineFields {
  name: string;
  version: string;
  apiVersion: string;
  maxApiVersion: string;
  minApiVersion: string;
  os: string;
  arch: string;
  kernelVersion: string;
  operatingSystem: string;
  hostname: string;
  engineId: string;
  ncpu: number;
  memTotal: number;
  containerCount: number;
  containersRunning: number;
  containersPaused: number;
  containersStopped: number;
  imageCount: number;
  storageDriver: string;
  swarm: string;
}

const ENGINE = `query {
  engine {
    name version apiVersion maxApiVersion minApiVersion os arch kernelVersion operatingSystem
    hostname engineId ncpu memTotal containerCount containersRunning containersPaused
    containersStopped imageCount storageDriver swarm
  }
}`;

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

function globalId(raw: string): string {
  return Buffer.from(raw).toString('base64');
}

describe('engine', () => {
  it('reports what `docker version` and `docker info` report', async () => {
    const { engine } = await gateway.data<{ engine: EngineFields }>(ENGINE);
    const server = await dockerJson<ServerVersion>('version', '--format', '{{json .Server}}');
    const info = await dockerJson<Info>('info', '--format', '{{json .}}');

    expect(engine.name).toBe('local');
    expect(engine.version).toBe(server.Version);
    expect(engine.maxApiVersion).toBe(server.ApiVersion);
    expect(engine.minApiVersion).toBe(server.MinAPIVersion);
    expect(engine.os).toBe(server.Os);
    expect(engine.arch).toBe(server.Arch);
    expect(engine.kernelVersion).toBe(server.KernelVersion);
    expect(engine.operatingSystem).toBe(info.OperatingSystem);
    expect(engine.hostname).toBe(info.Name);
    expect(engine.engineId).toBe(info.ID);
    expect(engine.ncpu).toBe(info.NCPU);
    expect(engine.memTotal).toBe(info.MemTotal);
    expect(engine.storageDriver).toBe(info.Driver);
    expect(info.Swarm.LocalNodeState).toBe('inactive');
    expect(engine.swarm).toBe('INACTIVE');
  });

  it('negotiates min(engine max, MAX_API_VERSION), never below MIN_API_VERSION', async () => {
    const { engine } = await gateway.data<{ engine: EngineFields }>(ENGINE);
    const server = await dockerJson<ServerVersion>('version', '--format', '{{json .Server}}');
    const minor = (version: string) => Number(version.split('.')[1]);
    const expected = Math.min(minor(server.ApiVersion), minor(MAX_API_VERSION));
    expect(engine.maxApiVersion).toBe(server.ApiVersion);
    expect(minor(engine.apiVersion)).toBe(expected);
    expect(minor(engine.apiVersion)).toBeGreaterThanOrEqual(minor(MIN_API_VERSION));
  });

  it('reports consistent object counts (other tests change them, so only within one answer)', async () => {
    const { engine } = await gateway.data<{ engine: EngineFields }>(ENGINE);
    for (const key of [
      'containerCount',
      'containersRunning',
      'containersPaused',
      'containersStopped',
      'imageCount',
    ] as const) {
      expect(Number.isInteger(engine[key]), key).toBe(true);
      expect(engine[key], key).toBeGreaterThanOrEqual(0);
    }
    expect(engine.containersRunning + engine.containersPaused + engine.containersStopped).toBe(
      engine.containerCount,
    );
    // The fixture image exists for the whole run.
    expect(engine.imageCount).toBeGreaterThanOrEqual(1);
  });

  it('costs at most one /version and one /info for the whole query', async () => {
    const { calls } = await gateway.countCalls(() => gateway.data(ENGINE));
    const paths = calls.map((c) => `${c.method} ${c.path}`);
    expect(paths.length).toBeLessThanOrEqual(2);
    for (const path of paths) expect(path).toMatch(/^GET \/v1\.\d+\/(version|info)$/);
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('global ids', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;

  it('rejects an id that is not a global id with BAD_USER_INPUT, without engine calls', async () => {
    for (const id of ['%%%', '', globalId('nocolon'), globalId('Image:')]) {
      const { result, calls } = await gateway.countCalls(() => gateway.query(NODE, { id }));
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(id)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.path).toEqual(['node']);
      expect(result.data).toEqual({ node: null });
      expect(calls).toEqual([]);
    }
  });

  it('rejects an id of a type that is no Node with BAD_USER_INPUT', async () => {
    // `Label` (an object type without a loader) already answers BAD_USER_INPUT; a name that is
    // no type at all, or an interface or enum, must be rejected the same way, not leak a
    // schema-internal error without a code.
    const raws = [
      'Label:local/x',
      'Bogus:local/x',
      'volume:local/x',
      'Node:local/x',
      'ContainerState:local/x',
    ];
    const answers: Record<string, unknown> = {};
    for (const raw of raws) {
      const result = await gateway.query(NODE, { id: globalId(raw) });
      expect(result.data, raw).toEqual({ node: null });
      answers[raw] = result.errors?.map((e) => e.extensions?.code ?? `no code: ${e.message}`);
    }
    expect(answers).toEqual(Object.fromEntries(raws.map((raw) => [raw, ['BAD_USER_INPUT']])));
  });

  it('answers null, without an error, for well-formed ids that name nothing', async () => {
    for (const raw of [
      `Container:local/${'0'.repeat(64)}`,
      `Image:local/sha256:${'0'.repeat(64)}`,
      `Network:local/${'0'.repeat(64)}`,
      'Volume:local/wharf-no-such-volume',
      // An engine Wharf does not know.
      'Volume:elsewhere/wharf-no-such-volume',
    ]) {
      const result = await gateway.query(NODE, { id: globalId(raw) });
      expect(result.errors, raw).toBeUndefined();
      expect(result.data, raw).toEqual({ node: null });
    }
  });
});
