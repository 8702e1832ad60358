import type { EngineApi } from './api.ts';
import { type ContainerLogsOptions, logsQuery } from './containers.ts';
import { EngineError } from './errors.ts';
import { type EngineFilters, encodeFilters } from './filters.ts';
import { imageRef, swarmRef } from './refs.ts';
import { type RegistryAuth, registryAuthHeader } from './registry-auth.ts';
import type {
  Service,
  ServiceSpec,
  SwarmInspect,
  SwarmNode,
  SwarmObject,
  Task,
} from './swarm-types.ts';

/**
 * An engine outside a swarm, or a worker, answers every cluster call 503 "This node is not a swarm
 * manager…". That is the engine's state, not its failure: CONFLICT here, so writes say so and
 * reads can answer null or nothing (see `outsideSwarm`).
 */
const NOT_MANAGER = /not a swarm manager|not part of a swarm/i;

/** An engine error whose message matches is the state's conflict with the request: CONFLICT. */
function conflictWhen(pattern: RegExp) {
  return (error: unknown): never => {
    if (error instanceof EngineError && pattern.test(error.message)) {
      throw new EngineError('CONFLICT', error.statusCode, error.message, { cause: error });
    }
    throw error;
  };
}

const notManagerAsConflict = conflictWhen(NOT_MANAGER);

/** True for the answer of an engine that cannot read cluster state: not in a swarm, or a worker. */
export function outsideSwarm(error: unknown): boolean {
  return error instanceof EngineError && error.code === 'CONFLICT' && error.statusCode === 503;
}

function read<T>(api: EngineApi, path: string, filters?: EngineFilters, extra = {}) {
  return api
    .json<T>('GET', path, { query: { filters: encodeFilters(filters), ...extra } })
    .catch(notManagerAsConflict);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SwarmInspect */
export function inspectSwarm(api: EngineApi) {
  return read<SwarmInspect>(api, '/swarm');
}

/** The key that unlocks an autolocked manager's raft data; empty when autolock is off. */
export async function swarmUnlockKey(api: EngineApi): Promise<string> {
  return (await read<{ UnlockKey: string }>(api, '/swarm/unlockkey')).UnlockKey;
}

/**
 * With `status`, each service carries its running and desired task counts.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceList
 */
export function listServices(api: EngineApi, filters?: EngineFilters) {
  return read<Service[]>(api, '/services', filters, { status: 'true' });
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceInspect */
export function inspectService(api: EngineApi, ref: string) {
  return read<Service>(api, `/services/${swarmRef('service', ref)}`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/TaskList */
export function listTasks(api: EngineApi, filters?: EngineFilters) {
  return read<Task[]>(api, '/tasks', filters);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NodeList */
export function listNodes(api: EngineApi, filters?: EngineFilters) {
  return read<SwarmNode[]>(api, '/nodes', filters);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NodeInspect */
export function inspectNode(api: EngineApi, ref: string) {
  return read<SwarmNode>(api, `/nodes/${swarmRef('node', ref)}`);
}

/** Secrets and configs have the same endpoints and the same metadata. */
export type SwarmObjectKind = 'secret' | 'config';

/**
 * Metadata only: the engine never sends a secret's data, and Wharf does not read a config's.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SecretList
 */
export function listSwarmObjects(api: EngineApi, kind: SwarmObjectKind, filters?: EngineFilters) {
  return read<SwarmObject[]>(api, `/${kind}s`, filters);
}

export function inspectSwarmObject(api: EngineApi, kind: SwarmObjectKind, ref: string) {
  return read<SwarmObject>(api, `/${kind}s/${swarmRef(kind, ref)}`);
}

/**
 * A taken name is 409. Answers the new id.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/SecretCreate
 */
export async function createSwarmObject(
  api: EngineApi,
  kind: SwarmObjectKind,
  spec: { Name: string; Labels: Record<string, string>; Data: Buffer },
): Promise<string> {
  swarmRef(kind, spec.Name);
  const created = await api
    .json<{ ID: string }>('POST', `/${kind}s/create`, {
      body: { ...spec, Data: spec.Data.toString('base64') },
    })
    .catch(notManagerAsConflict);
  return created.ID;
}

/** One a service uses is 400 "in use": CONFLICT. */
export async function removeSwarmObject(api: EngineApi, kind: SwarmObjectKind, id: string) {
  await api
    .call('DELETE', `/${kind}s/${swarmRef(kind, id)}`)
    .catch(notManagerAsConflict)
    .catch(conflictWhen(/is in use by/i));
}

/**
 * The digest a registry has for an image ref: the engine asks the registry (nothing is pulled).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/DistributionInspect
 */
export async function registryDigest(
  api: EngineApi,
  ref: string,
  auth: RegistryAuth | undefined,
): Promise<string> {
  const answer = await api.json<{ Descriptor: { digest: string } }>(
    'GET',
    `/distribution/${imageRef(ref)}/json`,
    { headers: registryAuthHeader(auth) },
  );
  return answer.Descriptor.digest;
}

/**
 * A taken name is 409. Answers the new id and the engine's warnings.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceCreate
 */
export async function createService(
  api: EngineApi,
  spec: ServiceSpec,
  auth: RegistryAuth | undefined,
) {
  swarmRef('service', spec.Name);
  const created = await api
    .json<{ ID: string; Warning?: string; Warnings?: string[] | null }>(
      'POST',
      '/services/create',
      // The swarm keeps the credentials for the nodes that pull the image.
      { body: spec, headers: registryAuthHeader(auth) },
    )
    .catch(notManagerAsConflict);
  return {
    id: created.ID,
    warnings: created.Warnings ?? (created.Warning ? [created.Warning] : []),
  };
}

/**
 * The whole spec replaces the old one; `version` is the one read, so a concurrent update is refused
 * (the engine answers 500 "update out of sequence", made CONFLICT here). With `rollback`, the engine
 * restores the previous spec (the body is still required: it sends the current one back).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceUpdate
 */
export async function updateService(
  api: EngineApi,
  id: string,
  version: number,
  spec: ServiceSpec,
  options: { rollback?: boolean; auth?: RegistryAuth | undefined } = {},
): Promise<void> {
  await api
    .call('POST', `/services/${swarmRef('service', id)}/update`, {
      query: { version: String(version), ...(options.rollback && { rollback: 'previous' }) },
      body: spec,
      ...(options.auth && { headers: registryAuthHeader(options.auth) }),
    })
    .catch(notManagerAsConflict)
    .catch(conflictWhen(/out of sequence/i));
}

/**
 * The whole spec replaces the old one, under the version read (a stale one is CONFLICT). Demoting
 * the last manager is refused by the engine (400).
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/NodeUpdate
 */
export async function updateNode(
  api: EngineApi,
  id: string,
  version: number,
  spec: SwarmNode['Spec'],
): Promise<void> {
  await api
    .call('POST', `/nodes/${swarmRef('node', id)}/update`, {
      query: { version: String(version) },
      body: spec,
    })
    .catch(notManagerAsConflict)
    .catch(conflictWhen(/out of sequence/i));
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceDelete */
export async function removeService(api: EngineApi, id: string): Promise<void> {
  await api.call('DELETE', `/services/${swarmRef('service', id)}`).catch(notManagerAsConflict);
}

/**
 * A service's logs: every task's lines, interleaved as they arrive (`tail` counts per task). With
 * `details`, each line carries the task, node and service ids (`LogFormat.details`). Multiplexed,
 * or raw when the service has a TTY; the engine sets no content type.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ServiceLogs
 */
export function streamServiceLogs(
  api: EngineApi,
  ref: string,
  options: ContainerLogsOptions & { signal: AbortSignal },
) {
  return api
    .stream('GET', `/services/${swarmRef('service', ref)}/logs`, {
      query: { ...logsQuery(options), details: 1 },
      signal: options.signal,
    })
    .catch(notManagerAsConflict);
}
