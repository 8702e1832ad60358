import type { Context } from '../context.ts';
import { BadUserInputError, EngineNotFoundError } from '../engine/errors.ts';
import { type Engine, type EngineArg, engineFor } from '../engine/registry.ts';
import type { ContainerSummary, Labels } from '../engine/types.ts';
import { COMPOSE_LABELS, dependsOnOf } from './compose-order.ts';
import { type ContainerNode, containerFromSummary } from './containers.ts';
import { type EngineList, type EnginesArg, listAcross } from './engine-lists.ts';
import { checkSameEngine, decodeGlobal } from './engine-refs.ts';
import { nodesFor } from './loaders/batch.ts';
import { type EngineKey, parseKey, toKey } from './loaders/keys.ts';
import type { NetworkNode } from './networks.ts';
import type { VolumeNode } from './volumes.ts';

/**
 * A compose project on one engine: its containers the principal may see, grouped by the project
 * label compose writes. A project is only there while it has a container (as `docker compose ls`
 * has it); its networks and volumes are those labelled with its name.
 */
export interface ComposeProjectNode {
  /** `<engine>/<project name>`: the global id's key. */
  key: EngineKey;
  name: string;
  /** By service, then container number. */
  containers: ContainerSummary[];
}

export interface ComposeServiceNode {
  project: ComposeProjectNode;
  name: string;
  containers: ContainerSummary[];
}

const label = (container: ContainerSummary, key: string) => container.Labels?.[key];

function byServiceAndNumber(a: ContainerSummary, b: ContainerSummary): number {
  const service = (label(a, COMPOSE_LABELS.service) ?? '').localeCompare(
    label(b, COMPOSE_LABELS.service) ?? '',
  );
  return (
    service ||
    Number(label(a, COMPOSE_LABELS.number) ?? 0) - Number(label(b, COMPOSE_LABELS.number) ?? 0) ||
    a.Id.localeCompare(b.Id)
  );
}

/** Containers by the value of one label, in their order; those without it are left out. */
function groupedBy(containers: readonly ContainerSummary[], key: string) {
  const groups = new Map<string, ContainerSummary[]>();
  for (const container of containers) {
    const value = label(container, key);
    if (!value) continue;
    const members = groups.get(value) ?? [];
    members.push(container);
    groups.set(value, members);
  }
  return groups;
}

/** An engine's compose containers as projects, by name. */
function projectsOf(engine: string, containers: readonly ContainerSummary[]): ComposeProjectNode[] {
  return [...groupedBy(containers, COMPOSE_LABELS.project)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, members]) => ({
      key: toKey(engine, name),
      name,
      containers: members.sort(byServiceAndNumber),
    }));
}

async function projectsOn(ctx: Context, engine: string): Promise<ComposeProjectNode[]> {
  return projectsOf(engine, await ctx.loaders.composeContainers.load(engine));
}

/** The ComposeProject node's loader: one container list per engine for any number of projects. */
export function composeProjectNodes(ctx: Context, keys: readonly string[]) {
  const found = Promise.all(
    keys.map(async (key) => {
      const { engine, id: name } = parseKey(key);
      try {
        return await projectOn(ctx, engine, name);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
  return nodesFor(keys, found, (_key, project: ComposeProjectNode) => project);
}

/** Compose projects of the engines asked (all the principal may use by default), by name. */
export function composeProjectList(
  ctx: Context,
  args: EnginesArg,
): Promise<EngineList<ComposeProjectNode>> {
  return listAcross(ctx, args.engines, (engine) => projectsOn(ctx, engine));
}

/** What compose v1 and v2 accept as a project name (v1 keeps `-` and `_` anywhere). */
const PROJECT_NAME = /^[a-z0-9_-]{1,255}$/;

/**
 * The engine and name a project argument names: a ComposeProject global id carries its engine (an
 * `engine` that disagrees is bad input); a name is looked for on `engine`, or the default one.
 */
function projectTarget(
  ctx: Context,
  args: EngineArg & { name: string },
): { engine: Engine; name: string } {
  const global = decodeGlobal('ComposeProject', args.name);
  if (global) checkSameEngine(global, args.engine);
  const name = global?.ref ?? args.name;
  if (!PROJECT_NAME.test(name)) {
    throw new BadUserInputError(
      `"${name.slice(0, 80)}" is not a compose project name: [a-z0-9_-], at most 255`,
    );
  }
  return { engine: engineFor(ctx, { engine: global?.engine ?? args.engine }), name };
}

async function projectOn(ctx: Context, engine: string, name: string) {
  return (await projectsOn(ctx, engine)).find((project) => project.name === name) ?? null;
}

/** `composeProject(name:)`: null when no container of the principal's carries that project. */
export function composeProjectAt(
  ctx: Context,
  args: EngineArg & { name: string },
): Promise<ComposeProjectNode | null> {
  const { engine, name } = projectTarget(ctx, args);
  return projectOn(ctx, engine.name, name);
}

/** As composeProjectAt, for writes: a project with nothing of the principal's is NOT_FOUND. */
export async function existingProject(
  ctx: Context,
  args: EngineArg & { name: string },
): Promise<ComposeProjectNode> {
  const { engine, name } = projectTarget(ctx, args);
  const project = await projectOn(ctx, engine.name, name);
  if (!project) throw new EngineNotFoundError(`No such compose project: ${name}`);
  return project;
}

export function projectEngine(project: ComposeProjectNode): string {
  return parseKey(project.key).engine;
}

/** Its containers, each answering later loads of its key (no second list call). */
export function projectContainers(ctx: Context, project: ComposeProjectNode): ContainerNode[] {
  const engine = projectEngine(project);
  return project.containers.map((summary) => containerFromSummary(ctx, engine, summary));
}

export function serviceContainers(ctx: Context, service: ComposeServiceNode): ContainerNode[] {
  return projectContainers(ctx, { ...service.project, containers: service.containers });
}

/** Its services, by name; a container without a service label (not compose's) is left out. */
export function projectServices(project: ComposeProjectNode): ComposeServiceNode[] {
  return [...groupedBy(project.containers, COMPOSE_LABELS.service)].map(([name, containers]) => ({
    project,
    name,
    containers,
  }));
}

/** What one label says across the project's containers: the first container's value. */
function projectLabel(project: ComposeProjectNode, key: string): string | null {
  return project.containers.map((container) => label(container, key)).find(Boolean) ?? null;
}

export function projectWorkingDir(project: ComposeProjectNode): string | null {
  return projectLabel(project, COMPOSE_LABELS.workingDir);
}

/** `config_files` is comma-separated (as `-f` gave them, relative to the working dir or not). */
export function projectConfigFiles(project: ComposeProjectNode): string[] {
  return (projectLabel(project, COMPOSE_LABELS.configFiles) ?? '')
    .split(',')
    .map((file) => file.trim())
    .filter((file) => file !== '');
}

/** Services this one's containers say it depends on (compose v2 labels; none from v1). */
export function serviceDependsOn(service: ComposeServiceNode): string[] {
  return [...new Set(service.containers.flatMap((container) => dependsOnOf(container.Labels)))];
}

/** The image of the service's newest container (a rolling `up` may leave two). */
export function serviceImage(service: ComposeServiceNode): string | null {
  const newest = service.containers.reduce<ContainerSummary | undefined>(
    (found, container) => (!found || container.Created > found.Created ? container : found),
    undefined,
  );
  return newest?.Image ?? null;
}

export function runningCount(containers: readonly ContainerSummary[]): number {
  return containers.filter((container) => container.State === 'running').length;
}

export type ComposeStatus = 'running' | 'partial' | 'stopped';

/** RUNNING when every container runs, STOPPED when none does, PARTIAL between. */
export function projectStatus(project: ComposeProjectNode): ComposeStatus {
  const running = runningCount(project.containers);
  if (running === project.containers.length) return 'running';
  return running === 0 ? 'stopped' : 'partial';
}

/** Containers per state, by state name: what `docker compose ls` prints as `exited(1), running(2)`. */
export function projectStateCounts(
  project: ComposeProjectNode,
): { state: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const { State } of project.containers) counts.set(State, (counts.get(State) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([state, count]) => ({ state, count }));
}

function labelledWith(project: ComposeProjectNode) {
  return (labels: Labels | undefined) => labels?.[COMPOSE_LABELS.project] === project.name;
}

/** Networks labelled with the project (external ones are not): one list call per engine. */
export async function projectNetworks(
  ctx: Context,
  project: ComposeProjectNode,
): Promise<NetworkNode[]> {
  const engine = projectEngine(project);
  const ours = labelledWith(project);
  return (await ctx.loaders.composeNetworks.load(engine))
    .filter((network) => ours(network.Labels))
    .map((network) => ({ key: toKey(engine, network.Id), network }));
}

/** Volumes labelled with the project (external ones are not): one list call per engine. */
export async function projectVolumes(
  ctx: Context,
  project: ComposeProjectNode,
): Promise<VolumeNode[]> {
  const engine = projectEngine(project);
  const ours = labelledWith(project);
  return (await ctx.loaders.composeVolumes.load(engine))
    .filter((volume) => ours(volume.Labels))
    .map((volume) => ({ key: toKey(engine, volume.Name), volume }));
}
