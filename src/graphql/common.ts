import { encodeGlobalID } from '@pothos/plugin-relay';
import { visibleKeyValues } from '../auth/redact.ts';
import type { Labels } from '../engine/types.ts';
import { builder, type Types } from './builder.ts';

export interface KeyValue {
  key: string;
  value: string;
}

export const Label = builder.objectRef<KeyValue>('Label').implement({
  description: 'A key and its value: a label, or a driver option.',
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value'),
  }),
});

/** Sorted by key so answers are stable (the engine's maps have no order). */
export function keyValues(map: Labels | undefined): KeyValue[] {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

type Ctx = Types['Context'];

/** `labels` and `label(key)` for any type that can produce its engine labels; secret-looking values redacted below admin. */
export function labelFields<Parent>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  labelsOf: (parent: Parent, ctx: Ctx) => Labels | undefined | Promise<Labels | undefined>,
) {
  return {
    labels: t.field({
      type: [Label],
      description: 'All labels, sorted by key.',
      resolve: async (parent, _args, ctx) =>
        keyValues(visibleKeyValues(ctx.principal, await labelsOf(parent, ctx))),
    }),
    label: t.string({
      nullable: true,
      description: 'The value of one label, or null when it is not set.',
      args: { key: t.arg.string({ required: true }) },
      resolve: async (parent, { key }, ctx) =>
        visibleKeyValues(ctx.principal, await labelsOf(parent, ctx))[key] ?? null,
    }),
  };
}

/** Which of a process's output streams bytes came from: log lines and exec output alike. */
export const OutputStream = builder.enumType('OutputStream', {
  description:
    'Where a process wrote. With a TTY the engine merges both into one raw stream, reported as STDOUT: stderr cannot be told apart there.',
  values: { STDOUT: { value: 'stdout' }, STDERR: { value: 'stderr' } } as const,
});

/** The Relay id of what a mutation removed, so a normalized client cache can evict it. */
export function removedIdField<Parent extends { key: string }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, Parent>,
  typename: string | ((parent: Parent) => string),
) {
  return t.id({
    description: 'The global id it had (as `node(id:)` took it).',
    resolve: (parent) =>
      encodeGlobalID(typeof typename === 'string' ? typename : typename(parent), parent.key),
  });
}
