import { BadUserInputError } from '../engine/errors.ts';
import { volumeName } from '../engine/refs.ts';
import {
  type VolumeCreateConfig,
  volumeCreate,
  volumeRemove,
  volumesPrune,
} from '../model/volumes.ts';
import { builder } from './builder.ts';
import { removedIdField } from './common.ts';
import { targetEngineArg } from './engine-connection.ts';
import { engineFilters } from './filters.ts';
import { driverName, keyValueMap, LabelInput } from './input-checks.ts';
import { Volume } from './nodes.ts';

/** The local driver's rule; `volumeName` alone would let one character through. */
const NEW_VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const VolumeCreateInput = builder.inputType('VolumeCreateInput', {
  description:
    'A new volume. Strings are at most 64 KiB without control characters; option and label keys must be unique.',
  fields: (t) => ({
    name: t.string({
      description:
        'At least two characters, [a-zA-Z0-9][a-zA-Z0-9_.-]+; the engine generates one when absent.',
    }),
    driver: t.string({ defaultValue: 'local' }),
    driverOpts: t.field({
      type: [LabelInput],
      description: 'Driver options, e.g. type, device and o for the local driver.',
    }),
    labels: t.field({ type: [LabelInput] }),
  }),
});

type CreateInput = typeof VolumeCreateInput.$inferInput;

function createConfig(input: CreateInput): VolumeCreateConfig {
  const name = input.name ?? undefined;
  if (name !== undefined && !NEW_VOLUME_NAME.test(volumeName(name))) {
    throw new BadUserInputError(`volume name "${name}" needs at least two characters`);
  }
  return {
    ...(name !== undefined && { Name: name }),
    Driver: driverName('driver', input.driver ?? 'local'),
    DriverOpts: keyValueMap('driverOpts', input.driverOpts) ?? {},
    Labels: keyValueMap('labels', input.labels) ?? {},
  };
}

const VolumeRemoveResult = builder
  .objectRef<{ key: string; name: string; removed: boolean }>('VolumeRemoveResult')
  .implement({
    fields: (t) => ({
      id: removedIdField(t, 'Volume'),
      name: t.exposeString('name'),
      removed: t.exposeBoolean('removed', {
        description: 'False only with `force` for a volume that was not there.',
      }),
    }),
  });

const VolumesPruneResult = builder
  .objectRef<{ deleted: string[]; spaceReclaimed: number }>('VolumesPruneResult')
  .implement({
    fields: (t) => ({
      deleted: t.exposeStringList('deleted', { description: 'Names of the removed volumes.' }),
      spaceReclaimed: t.field({
        type: 'SafeInt',
        description: 'Bytes freed.',
        resolve: (r) => r.spaceReclaimed,
      }),
    }),
  });

const VolumesPruneFilter = builder.inputType('VolumesPruneFilter', {
  fields: (t) => ({
    label: t.stringList({ description: '`key` or `key=value`; all must match.' }),
  }),
});

builder.mutationFields((t) => ({
  volumeCreate: t.field({
    authScopes: { operator: true },
    type: Volume,
    description:
      'Creates a volume. A taken name answers the existing volume when its driver, options and labels are exactly those asked for, and CONFLICT otherwise (the engine itself would answer the existing one either way).',
    args: {
      input: t.arg({ type: VolumeCreateInput, required: true }),
      engine: targetEngineArg(t.arg),
    },
    resolve: (_root, { input, engine }, ctx) =>
      volumeCreate(ctx, { config: createConfig(input), engine }),
  }),
  volumeRemove: t.field({
    authScopes: { operator: true },
    type: VolumeRemoveResult,
    description:
      'Removes a volume. CONFLICT while a container (running or not) uses it, `force` or not; NOT_FOUND for an unknown name unless `force`.',
    args: {
      name: t.arg.string({ required: true, description: 'Its name or global id.' }),
      force: t.arg.boolean({ defaultValue: false, description: 'An unknown name is no error.' }),
      engine: targetEngineArg(t.arg),
    },
    resolve: (_root, args, ctx) =>
      volumeRemove(ctx, { name: args.name, force: args.force ?? false, engine: args.engine }),
  }),
  volumesPrune: t.field({
    authScopes: { admin: true },
    type: VolumesPruneResult,
    description:
      'Removes every volume no container uses that matches the filter, named ones included (API 1.41); without a filter, all of them.',
    args: { filter: t.arg({ type: VolumesPruneFilter }), engine: targetEngineArg(t.arg) },
    resolve: (_root, { filter, engine }, ctx) =>
      volumesPrune(ctx, { filters: engineFilters(filter), engine }),
  }),
}));
