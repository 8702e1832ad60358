import { refreshLoaders } from '../context.ts';
import { BadUserInputError, EngineConflictError, EngineNotFoundError } from '../engine/errors.ts';
import { volumeName } from '../engine/refs.ts';
import type { Volume as EngineVolume, Labels } from '../engine/types.ts';
import {
  createVolume,
  inspectVolume,
  pruneVolumes,
  removeVolume,
  type VolumeCreateConfig,
} from '../engine/volumes.ts';
import { toKey } from '../loaders/keys.ts';
import { builder } from './builder.ts';
import { defaultEngine, engineFilters } from './filters.ts';
import { driverName, keyValueMap, LabelInput } from './input-checks.ts';
import { Volume, type VolumeNode } from './volumes.ts';

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

function sameMap(a: Labels, b: Labels): boolean {
  const left = Object.entries(a ?? {});
  const right = b ?? {};
  return (
    left.length === Object.keys(right).length &&
    left.every(([key, value]) => Object.hasOwn(right, key) && right[key] === value)
  );
}

/**
 * The engine answers a create for a taken name with the existing volume, unchanged, as if it had
 * made it. That is only what was asked for when driver, options and labels all agree.
 */
function checkSame(existing: EngineVolume, config: VolumeCreateConfig): void {
  const differs = [
    existing.Driver !== config.Driver && 'driver',
    !sameMap(existing.Options, config.DriverOpts) && 'driver options',
    !sameMap(existing.Labels, config.Labels) && 'labels',
  ].filter((what) => what !== false);
  if (differs.length > 0) {
    throw new EngineConflictError(
      `volume ${existing.Name} already exists with other ${differs.join(', ')}`,
    );
  }
}

const VolumeRemoveResult = builder
  .objectRef<{ name: string; removed: boolean }>('VolumeRemoveResult')
  .implement({
    fields: (t) => ({
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
    type: Volume,
    description:
      'Creates a volume. A taken name answers the existing volume when its driver, options and labels are exactly those asked for, and CONFLICT otherwise (the engine itself would answer the existing one either way).',
    args: { input: t.arg({ type: VolumeCreateInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const config = createConfig(input);
      const engine = defaultEngine(ctx);
      if (config.Name !== undefined) {
        const existing = await inspectVolume(engine.api, config.Name).catch((error: unknown) => {
          if (error instanceof EngineNotFoundError) return undefined;
          throw error;
        });
        if (existing) checkSame(existing, config);
      }
      const volume = await createVolume(engine.api, config);
      // Made by someone else between the inspect and the create: the engine answered theirs.
      checkSame(volume, config);
      refreshLoaders(ctx);
      return { key: toKey(engine.name, volume.Name), volume } satisfies VolumeNode;
    },
  }),
  volumeRemove: t.field({
    type: VolumeRemoveResult,
    description:
      'Removes a volume. CONFLICT while a container (running or not) uses it, `force` or not; NOT_FOUND for an unknown name unless `force`.',
    args: {
      name: t.arg.string({ required: true }),
      force: t.arg.boolean({ defaultValue: false, description: 'An unknown name is no error.' }),
    },
    resolve: async (_root, args, ctx) => {
      const name = volumeName(args.name);
      const force = args.force ?? false;
      const { api } = defaultEngine(ctx);
      // With force the engine answers 204 for a missing volume too; only inspect can tell.
      if (force) {
        const exists = await inspectVolume(api, name).then(
          () => true,
          (error: unknown) => {
            if (error instanceof EngineNotFoundError) return false;
            throw error;
          },
        );
        if (!exists) return { name, removed: false };
      }
      await removeVolume(api, name, force);
      refreshLoaders(ctx);
      return { name, removed: true };
    },
  }),
  volumesPrune: t.field({
    type: VolumesPruneResult,
    description:
      'Removes every volume no container uses that matches the filter, named ones included (API 1.41); without a filter, all of them.',
    args: { filter: t.arg({ type: VolumesPruneFilter }) },
    resolve: async (_root, { filter }, ctx) => {
      const report = await pruneVolumes(defaultEngine(ctx).api, engineFilters(filter));
      refreshLoaders(ctx);
      return { deleted: report.VolumesDeleted ?? [], spaceReclaimed: report.SpaceReclaimed };
    },
  }),
}));
