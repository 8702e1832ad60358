import type { Context } from '../context.ts';
import { EngineNotFoundError, EngineUnavailableError } from '../engine/errors.ts';
import { type EngineArg, engineClientFor } from '../engine/registry.ts';
import { listServices } from '../engine/swarm.ts';
import type { Service } from '../engine/swarm-types.ts';
import type { EventMessage } from '../engine/types.ts';
import { serviceAt } from './swarm.ts';

/**
 * An update clears the UpdateStatus; the engine's updater sets it once it starts replacing tasks.
 * In between, a task template that differs from the previous one is a rollout about to start (a
 * change of replicas or labels alone replaces no task, and no state is ever set).
 */
function pending(service: Service): boolean {
  const previous = service.PreviousSpec?.TaskTemplate;
  return (
    previous !== undefined && JSON.stringify(previous) !== JSON.stringify(service.Spec.TaskTemplate)
  );
}

/** A rollout as it stands: the service's tasks and its UpdateStatus. */
export interface RolloutProgress {
  service: string;
  runningTasks: number;
  desiredTasks: number;
  /** updating, paused, completed, rollback_started, rollback_paused, rollback_completed; null before any update. */
  state: string | null;
  message: string | null;
  /** The last progress: the rollout converged, paused, or the service is gone. */
  done: boolean;
  removed: boolean;
}

/** States a rollout rests in: nothing moves until someone acts (or it converged). */
const PAUSED = new Set(['paused', 'rollback_paused']);

function progressOf(id: string, service: Service | undefined): RolloutProgress {
  if (!service) {
    return {
      service: id,
      runningTasks: 0,
      desiredTasks: 0,
      state: null,
      message: null,
      done: true,
      removed: true,
    };
  }
  const runningTasks = service.ServiceStatus?.RunningTasks ?? 0;
  const desiredTasks = service.ServiceStatus?.DesiredTasks ?? 0;
  const state = service.UpdateStatus?.State || null;
  const settled =
    state === 'completed' ||
    state === 'rollback_completed' ||
    (state === null && !pending(service));
  return {
    service: id,
    runningTasks,
    desiredTasks,
    state,
    message: service.UpdateStatus?.Message || null,
    done: (state !== null && PAUSED.has(state)) || (settled && runningTasks === desiredTasks),
    removed: false,
  };
}

/**
 * The updater's own steps (a task's monitor period ending, the update completing) raise no event
 * of their own on Engine 20.10: a quiet spell re-reads the service.
 */
const RECHECK_MS = 2_000;

/** Null after `ms`, or at once when the subscriber leaves. */
function later(ms: number, signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    const abort = () => {
      clearTimeout(timer);
      resolve(null);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve(null);
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** The service's own events, and its tasks' containers' (they carry the service's id). */
function concerns(id: string, event: EventMessage): boolean {
  if (event.Type === 'service') return event.Actor.ID === id;
  return (
    event.Type === 'container' && event.Actor.Attributes?.['com.docker.swarm.service.id'] === id
  );
}

/**
 * Follows a service's rollout: its progress now, then again after each of its events (from the
 * engine's one shared event stream) or quiet spell, until it converges, pauses or the service is
 * removed, or `signal` aborts (the subscriber left: it may be waiting, not at a yield). An
 * engine gone mid-way ends it with an error.
 */
export async function* followRollout(
  ctx: Context,
  args: EngineArg & { ref: string },
  signal: AbortSignal,
): AsyncGenerator<RolloutProgress> {
  const found = await serviceAt(ctx, args);
  if (!found) throw new EngineNotFoundError(`no such service: ${args.ref}`);
  const id = found.service.ID;
  const client = engineClientFor(ctx, { engine: args.engine });
  // Subscribed before the first read: no event between the read and the subscription is lost.
  const events = client.events.subscribe();
  const read = async () => progressOf(id, (await listServices(client.api, { id: [id] }))[0]);
  try {
    let progress = await read();
    yield progress;
    if (progress.done) return;
    let arriving = events.next();
    while (true) {
      const item = await Promise.race([arriving, later(RECHECK_MS, signal)]);
      if (signal.aborted) return;
      if (item !== null) {
        if (item.done) return;
        arriving = events.next();
        if (item.value.kind === 'gap') {
          throw new EngineUnavailableError('the engine’s event stream was interrupted');
        }
        if (!concerns(id, item.value.event)) continue;
      }
      const next = await read();
      if (
        next.runningTasks === progress.runningTasks &&
        next.desiredTasks === progress.desiredTasks &&
        next.state === progress.state &&
        next.done === progress.done
      ) {
        continue;
      }
      progress = next;
      yield progress;
      if (progress.done) return;
    }
  } finally {
    await events.return?.();
  }
}
