import type { ArgBuilder } from '@pothos/core';
import { envValueHider } from '../auth/redact.ts';
import { BadUserInputError, EngineConflictError, EngineNotFoundError } from '../engine/errors.ts';
import { abortable } from '../engine/iterate.ts';
import { LogBudget } from '../limits/log-budget.ts';
import { currentLimits } from '../limits/operation-scope.ts';
import { containerEngine, detailsOf } from '../model/containers.ts';
import { swarmTarget } from '../model/engine-refs.ts';
import { parseKey } from '../model/loaders/keys.ts';
import {
  checkTail,
  type LogEndReason as EndReason,
  followLogs,
  type LogEnd as LogEndShape,
  type LogEntry,
  type LogLines as LogLinesShape,
  readLogHistory,
} from '../model/logs.ts';
import { followServiceLogs } from '../model/service-logs.ts';
import { builder, type Types } from './builder.ts';
import { OutputStream } from './common.ts';
import { engineArg } from './engine-connection.ts';
import { Container } from './nodes.ts';
import { SwarmNode, Task } from './swarm-nodes.ts';

const LogLineRef = builder.objectRef<LogEntry>('LogLine').implement({
  description:
    'One line a container wrote, without its newline, on the stream it was written to. A container (or service) with a TTY has one raw stream: every line is STDOUT.',
  fields: (t) => ({
    stream: t.field({ type: OutputStream, resolve: (line) => line.stream }),
    text: t.exposeString('text'),
    timestamp: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the engine received the line (nanoseconds kept); null unless `timestamps`.',
      resolve: (line) => line.timestamp,
    }),
    cursor: t.string({
      nullable: true,
      description: 'Pass as `since` to continue after a reconnect (the engine keeps nanoseconds).',
      resolve: (line) => line.cursor,
    }),
    task: t.field({
      type: Task,
      nullable: true,
      description: 'serviceLogs: the task that wrote the line; null in container logs.',
      resolve: (line) => line.task ?? null,
    }),
    swarmNode: t.field({
      type: SwarmNode,
      nullable: true,
      description: 'serviceLogs: the node the task ran on; null in container logs.',
      resolve: (line) => line.swarmNode ?? null,
    }),
  }),
});

const streamArgs = (t: ArgBuilder<Types>) => ({
  tail: t.int({ description: 'Only the last N lines.' }),
  since: t({ type: 'DateTime' }),
  stdout: t.boolean({ defaultValue: true, required: true }),
  stderr: t.boolean({ defaultValue: true, required: true }),
});

/** `Container.logs` reads history into one answer: a bounded number of lines. */
export const DEFAULT_LOGS_TAIL = 100;
export const MAX_LOGS_TAIL = 10_000;

builder.objectField(Container, 'logs', (t) =>
  t.field({
    type: [LogLineRef],
    description: `Log history (no follow): stdout and stderr kept apart, lines the engine split at 16 KiB joined. At most ${MAX_LOGS_TAIL} lines, and RESPONSE_TOO_LARGE past the log byte cap (WHARF_MAX_LOG_BYTES, 1 MiB of JSON by default): narrow with \`tail\`, \`since\` or \`until\`. Below admin, the container's env values read \`***\` in its lines. For live logs, subscribe to \`containerLogs\`.`,
    args: {
      ...streamArgs(t.arg),
      tail: t.arg.int({
        defaultValue: DEFAULT_LOGS_TAIL,
        required: true,
        description: `Only the last N log entries (0 to ${MAX_LOGS_TAIL}). The engine keeps a line over 16 KiB as several entries, so the oldest line may arrive cut at its start.`,
      }),
      until: t.arg({ type: 'DateTime' }),
      timestamps: t.arg.boolean({ defaultValue: false, required: true }),
    },
    resolve: async (container, args, ctx) => {
      const tail = checkTail(args.tail);
      if (tail !== undefined && tail > MAX_LOGS_TAIL) {
        throw new BadUserInputError(`tail must be at most ${MAX_LOGS_TAIL}`);
      }
      const { engine, id } = parseKey(container.key);
      const api = ctx.engines.api(engine);
      if (!api) throw new EngineNotFoundError(`no engine named ${engine}`);
      const [lines, details] = await Promise.all([
        readLogHistory(api, id, args, {
          tty: async () => (await detailsOf(container, ctx)).Config.Tty,
          budget: new LogBudget(currentLimits().maxLogBytes),
          signal: ctx.signal,
        }).catch((error: unknown) => {
          // "dead or marked for removal": nothing left to read, and one container going away
          // must not fail a list of them (as `processes` answers null for a stopped one).
          if (error instanceof EngineConflictError) return [];
          throw error;
        }),
        detailsOf(container, ctx),
      ]);
      // As containerLogs does: below admin, the container's env values read `***` in its lines.
      const hide = envValueHider(ctx.principal, details.Config.Env ?? []);
      return lines.map((line) => ({ ...line, text: hide(line.text) }));
    },
  }),
);

const LogLines = builder.objectRef<LogLinesShape>('LogLines').implement({
  description:
    'The lines that arrived together (one engine read), in the order written per stream.',
  fields: (t) => ({ lines: t.field({ type: [LogLineRef], resolve: (batch) => batch.lines }) }),
});

const LogEndReason = builder.enumType('LogEndReason', {
  values: {
    EXITED: { value: 'EXITED', description: 'The container stopped; `exitCode` says how.' },
    REMOVED: { value: 'REMOVED', description: 'The container was removed.' },
    ENGINE_GONE: { value: 'ENGINE_GONE', description: 'The engine went away mid-stream.' },
    HISTORY_END: {
      value: 'HISTORY_END',
      description:
        'follow: false, and the history is all sent; `exitCode` is the last finished run’s (null while it runs).',
    },
  } satisfies Record<EndReason, unknown>,
});

const LogEnd = builder.objectRef<LogEndShape>('LogEnd').implement({
  description: 'The last event of a log stream: why it ended.',
  fields: (t) => ({
    reason: t.field({ type: LogEndReason, resolve: (end) => end.reason }),
    exitCode: t.int({
      nullable: true,
      description:
        'How the container’s last run ended (EXITED, REMOVED, HISTORY_END); null while it runs or if it never finished.',
      resolve: (end) => end.exitCode,
    }),
  }),
});

const LogEvent = builder.unionType('LogEvent', {
  types: [LogLines, LogEnd],
  resolveType: (event) => (event.kind === 'lines' ? LogLines : LogEnd),
});

builder.subscriptionField('containerLogs', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: LogEvent,
    description:
      "Follows a container's logs: batches of lines as they arrive, then one `LogEnd` saying why the stream ended (the container exited, was removed, the engine went away, or the history ended with follow: false). Below admin, the container's env values read `***` in its lines. Unsubscribing closes the engine stream.",
    args: {
      ref: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      follow: t.arg.boolean({ defaultValue: true, required: true }),
      ...streamArgs(t.arg),
      timestamps: t.arg.boolean({ defaultValue: false, required: true }),
    },
    subscribe: (_root, { ref, engine, ...selection }, ctx) =>
      abortable(async function* (signal) {
        const target = await containerEngine(ctx, { ref, engine });
        yield* followLogs(ctx.principal, target.client.api, target.ref, selection, signal);
      }),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('serviceLogs', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: LogEvent,
    description:
      "Follows a service's logs: every task's lines as the engine interleaves them, each naming its `task` and `swarmNode`, then one `LogEnd` (REMOVED when the service went away, ENGINE_GONE when the engine ended the stream, HISTORY_END with follow: false). `tail` counts per task. Only engines using a log driver that can be read back (json-file, journald, local) have service logs. Below admin, the service's env values read `***` in its lines. Unsubscribing closes the engine stream.",
    args: {
      ref: t.arg.string({ required: true }),
      engine: t.arg.string({ description: 'A swarm manager; the default when omitted.' }),
      follow: t.arg.boolean({ defaultValue: true, required: true }),
      ...streamArgs(t.arg),
      timestamps: t.arg.boolean({ defaultValue: false, required: true }),
    },
    subscribe: (_root, { ref, engine, ...selection }, ctx) =>
      abortable((signal) =>
        followServiceLogs(ctx, swarmTarget('service', { engine, ref }), selection, signal),
      ),
    resolve: (event) => event,
  }),
);
