import type { Context } from '../context.ts';
import { WharfError } from '../engine/errors.ts';
import type { EngineArg } from '../engine/registry.ts';
import type { ContainerSummary } from '../engine/types.ts';
import {
  type ComposeProjectNode,
  existingProject,
  projectEngine,
  projectNetworks,
  projectVolumes,
} from './compose.ts';
import { COMPOSE_LABELS, startOrder } from './compose-order.ts';
import {
  type ContainerActionResult,
  type ContainerNode,
  containerRemove,
  containerRestart,
  containerStart,
  containerStop,
} from './containers.ts';
import { type EngineKey, toKey } from './loaders/keys.ts';
import { networkRemove } from './networks.ts';
import { volumeRemove } from './volumes.ts';

export type ComposeAction = 'start' | 'stop' | 'restart' | 'remove';

/** What happened to one container of the project. */
export interface ComposeContainerOutcome {
  key: EngineKey;
  name: string;
  service: string | null;
  /** False when the engine had nothing to do (already started, already stopped). */
  changed: boolean;
  /** Read back after a start, stop or restart; null after a remove, or when it failed. */
  container: ContainerNode | null;
  error: WharfError | null;
}

/** What happened to one network or volume of the project (remove only). */
export interface ComposeObjectOutcome {
  key: EngineKey;
  name: string;
  error: WharfError | null;
}

export interface ComposeActionResult {
  /** The project's key: its global id, which stays valid to evict after a remove. */
  key: EngineKey;
  /** In the order acted on: dependencies first for start and restart, last for stop and remove. */
  containers: ComposeContainerOutcome[];
  networks: ComposeObjectOutcome[];
  volumes: ComposeObjectOutcome[];
}

export interface ComposeActionArgs extends EngineArg {
  name: string;
  /** Seconds between the stop signal and SIGKILL; each container's stopTimeout when absent. */
  timeout: number | undefined;
  /** Remove only: also the named volumes labelled with the project, and anonymous ones. */
  volumes?: boolean;
}

/** A failure of one object, kept; anything that is no WharfError (a bug, an abort) fails all. */
async function outcome<T>(run: () => Promise<T>): Promise<{ value?: T; error: WharfError | null }> {
  try {
    return { value: await run(), error: null };
  } catch (error) {
    if (error instanceof WharfError) return { error };
    throw error;
  }
}

type ContainerAct = (
  ctx: Context,
  ref: EngineArg & { ref: string },
  args: ComposeActionArgs,
) => Promise<ContainerActionResult | null>;

/** Each action on one container, through the container writes (audit, tenancy, policy). */
const ACTS: Record<ComposeAction, ContainerAct> = {
  start: (ctx, ref) => containerStart(ctx, ref),
  stop: (ctx, ref, { timeout }) => containerStop(ctx, { ...ref, timeout }),
  restart: (ctx, ref, { timeout }) => containerRestart(ctx, { ...ref, timeout }),
  // As `docker compose down`: stopped with its grace period first, not killed.
  remove: async (ctx, ref, { timeout, volumes }) => {
    await containerStop(ctx, { ...ref, timeout });
    await containerRemove(ctx, { ...ref, force: true, volumes: volumes ?? false });
    return null;
  },
};

/** Its containers as steps in the order the action takes them, created times from inspect. */
async function steps(
  ctx: Context,
  project: ComposeProjectNode,
  action: ComposeAction,
): Promise<ContainerSummary[][]> {
  const engine = projectEngine(project);
  // Inspect has the created time in ns (the list only in seconds): compose creates in order.
  const details = await ctx.loaders.containerDetails.loadMany(
    project.containers.map((container) => toKey(engine, container.Id)),
  );
  const ordered = startOrder(
    project.containers.map((summary, index) => {
      const inspect = details[index];
      const created = inspect && !(inspect instanceof Error) ? Date.parse(inspect.Created) : NaN;
      return {
        id: summary.Id,
        labels: summary.Labels,
        createdMs: Number.isNaN(created) ? summary.Created * 1000 : created,
        summary,
      };
    }),
  ).map((step) => step.map(({ summary }) => summary));
  return action === 'start' || action === 'restart' ? ordered : ordered.reverse();
}

async function actOnContainers(
  ctx: Context,
  project: ComposeProjectNode,
  action: ComposeAction,
  args: ComposeActionArgs,
): Promise<ComposeContainerOutcome[]> {
  const engine = projectEngine(project);
  const outcomes: ComposeContainerOutcome[] = [];
  // A step's containers (one service) together; the next step once they are done.
  for (const step of await steps(ctx, project, action)) {
    const done = await Promise.all(
      step.map(async (summary) => {
        const { value, error } = await outcome(() =>
          ACTS[action](ctx, { engine, ref: summary.Id }, args),
        );
        return {
          key: toKey(engine, summary.Id),
          name: (summary.Names[0] ?? summary.Id).replace(/^\//, ''),
          service: summary.Labels?.[COMPOSE_LABELS.service] ?? null,
          changed: error === null && (value?.changed ?? true),
          container: value?.container ?? null,
          error,
        };
      }),
    );
    outcomes.push(...done);
  }
  return outcomes;
}

/**
 * Starts, stops, restarts or removes every container of a project the principal may see, in
 * dependency order, each through the container writes (so each is audited and tenancy-checked
 * on its own). A container that fails does not stop the others: its error is in its outcome. When
 * every container failed, the first failure is the mutation's error. Remove also removes the
 * project's networks and, with `volumes`, its volumes, as `docker compose down [-v]` does.
 */
export async function composeProjectAction(
  ctx: Context,
  action: ComposeAction,
  args: ComposeActionArgs,
): Promise<ComposeActionResult> {
  const project = await existingProject(ctx, args);
  const engine = projectEngine(project);
  // Read before the containers go: a write lets go of everything read before it.
  const [networks, volumes] =
    action === 'remove'
      ? await Promise.all([
          projectNetworks(ctx, project),
          args.volumes ? projectVolumes(ctx, project) : [],
        ])
      : [[], []];
  const containers = await actOnContainers(ctx, project, action, args);
  const firstError = containers.find((container) => container.error)?.error;
  if (firstError && containers.every((container) => container.error)) throw firstError;
  const removedNetworks = await Promise.all(
    networks.map(async ({ key, network }) => ({
      key,
      name: network.Name,
      error: (await outcome(() => networkRemove(ctx, { engine, ref: network.Id }))).error,
    })),
  );
  const removedVolumes = await Promise.all(
    volumes.map(async ({ key, volume }) => ({
      key,
      name: volume.Name,
      error: (await outcome(() => volumeRemove(ctx, { engine, name: volume.Name, force: false })))
        .error,
    })),
  );
  return { key: project.key, containers, networks: removedNetworks, volumes: removedVolumes };
}
