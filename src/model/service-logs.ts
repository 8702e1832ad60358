import { envValueHider } from '../auth/redact.ts';
import type { Context } from '../context.ts';
import { framingOf } from '../engine/decode/framing.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import { LogDecoder, type LogLine } from '../engine/log-lines.ts';
import { type EngineArg, engineClientFor } from '../engine/registry.ts';
import { inspectService, streamServiceLogs } from '../engine/swarm.ts';
import type { Service } from '../engine/swarm-types.ts';
import { toKey } from './loaders/keys.ts';
import {
  checkTail,
  decodedBatches,
  entries,
  goneEnd,
  type LogEnd,
  type LogEvent,
  type LogLines,
  type LogSelection,
  seconds,
} from './logs.ts';
import { serviceAt } from './swarm.ts';

/**
 * The engine's `details`: `key=value` pairs joined by commas, each part url-escaped (as the docker
 * CLI's logdetails.ParseLogDetails reads them).
 */
export function parseLogDetails(details: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of details.split(',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    try {
      pairs[decodeURIComponent(pair.slice(0, equals))] = decodeURIComponent(pair.slice(equals + 1));
    } catch {
      // A malformed escape: that pair names nothing.
    }
  }
  return pairs;
}

const TASK = 'com.docker.swarm.task.id';
const NODE = 'com.docker.swarm.node.id';

/** Why a followed service's stream ended: the service is gone, or the engine closed it. */
async function endOf(ctx: Context, engine: string, id: string): Promise<LogEnd> {
  try {
    await inspectService(engineClientFor(ctx, { engine }).api, id);
    return { kind: 'end', reason: 'ENGINE_GONE', exitCode: null };
  } catch (error) {
    return goneEnd(error);
  }
}

/**
 * Follows (or, with `follow: false`, reads once) a service's logs: every task's lines as the
 * engine interleaves them, each naming its task and node, then one LogEnd. Below admin, the
 * service's env values read `***`. Aborting `signal` ends it quietly.
 */
export async function* followServiceLogs(
  ctx: Context,
  args: EngineArg & { ref: string },
  selection: LogSelection & { follow: boolean },
  signal: AbortSignal,
): AsyncGenerator<LogEvent> {
  const client = engineClientFor(ctx, args);
  const engine = client.name;
  // Engine 20.10 keeps a follow open after its service is removed: the removal event ends it.
  // Watched from before the lookup, so a removal in between is not missed.
  const removed = new AbortController();
  let id: string | null = null;
  const unwatch = client.events.observe((item) => {
    if (item.kind !== 'event') return;
    const { Type, Action, Actor } = item.event;
    if (Type === 'service' && Action === 'remove' && Actor.ID === id) removed.abort();
  });
  try {
    const found = await serviceAt(ctx, args);
    if (!found) throw new EngineNotFoundError(`no such service: ${args.ref}`);
    id = found.service.ID;
    yield* serviceLogLines(ctx, engine, found.service, selection, signal, removed.signal);
  } finally {
    unwatch();
  }
}

async function* serviceLogLines(
  ctx: Context,
  engine: string,
  service: Service,
  selection: LogSelection & { follow: boolean },
  signal: AbortSignal,
  removed: AbortSignal,
): AsyncGenerator<LogEvent> {
  const spec = service.Spec.TaskTemplate.ContainerSpec;
  const response = await streamServiceLogs(engineClientFor(ctx, { engine }).api, service.ID, {
    follow: selection.follow,
    stdout: selection.stdout,
    stderr: selection.stderr,
    timestamps: true,
    tail: checkTail(selection.tail),
    since: seconds(selection.since),
    signal: AbortSignal.any([signal, removed]),
  });
  const decoder = new LogDecoder(framingOf(response.headers['content-type'], spec.TTY === true), {
    timestamps: true,
    details: true,
  });
  const hide = envValueHider(ctx.principal, spec.Env ?? []);
  const batch = (lines: LogLine[]): LogLines => {
    const made = entries(lines, selection.timestamps, hide);
    lines.forEach((line, index) => {
      const details = parseLogDetails(line.details ?? '');
      const entry = made[index] as (typeof made)[number];
      entry.task = details[TASK] ? toKey(engine, details[TASK]) : null;
      entry.swarmNode = details[NODE] ? toKey(engine, details[NODE]) : null;
    });
    return { kind: 'lines', lines: made };
  };
  const ended = yield* decodedBatches(response, decoder, signal, batch);
  if (ended === 'left') return;
  if (ended === 'closed') {
    const rest = decoder.end();
    if (rest.length > 0) yield batch(rest);
  }
  if (removed.aborted) yield { kind: 'end', reason: 'REMOVED', exitCode: null };
  else if (ended === 'gone') yield { kind: 'end', reason: 'ENGINE_GONE', exitCode: null };
  else if (!selection.follow) yield { kind: 'end', reason: 'HISTORY_END', exitCode: null };
  else yield await endOf(ctx, engine, service.ID);
}
