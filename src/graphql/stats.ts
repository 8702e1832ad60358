import { abortable } from '../engine/iterate.ts';
import type { ContainerStats as Stats } from '../engine/stats.ts';
import { containerEngine } from '../model/containers.ts';
import { followStats } from '../model/stats.ts';
import { builder } from './builder.ts';
import { engineArg } from './engine-connection.ts';

const ContainerStats = builder.objectRef<Stats>('ContainerStats').implement({
  description:
    'One sample of `docker stats`, as numbers (the CLI formulas, without the formatting).',
  fields: (t) => ({
    read: t.field({ type: 'DateTime', resolve: (s) => s.read }),
    cpuPercent: t.float({
      description:
        'Share of one CPU ×100 per CPU used (200 = two CPUs busy), as `docker stats` shows.',
      resolve: (s) => s.cpuPercent,
    }),
    memoryUsage: t.field({
      type: 'SafeInt',
      description: 'Bytes in use, page cache excluded.',
      resolve: (s) => s.memoryUsage,
    }),
    memoryLimit: t.field({ type: 'SafeInt', resolve: (s) => s.memoryLimit }),
    memoryPercent: t.float({ resolve: (s) => s.memoryPercent }),
    networkRxBytes: t.field({ type: 'SafeInt', resolve: (s) => s.networkRxBytes }),
    networkTxBytes: t.field({ type: 'SafeInt', resolve: (s) => s.networkTxBytes }),
    blockReadBytes: t.field({ type: 'SafeInt', resolve: (s) => s.blockReadBytes }),
    blockWriteBytes: t.field({ type: 'SafeInt', resolve: (s) => s.blockWriteBytes }),
    pids: t.int({ resolve: (s) => s.pids }),
  }),
});

builder.subscriptionField('containerStats', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: ContainerStats,
    description:
      'A sample about every second while the container runs; one engine stream per container, shared by all its subscribers. A slow subscriber skips samples rather than queueing them.',
    args: { ref: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    subscribe: (_root, { ref, engine }, ctx) =>
      abortable(async function* (signal) {
        const target = await containerEngine(ctx, { ref, engine });
        yield* followStats(ctx.principal, target.client, target.ref, signal);
      }),
    resolve: (sample) => sample,
  }),
);
