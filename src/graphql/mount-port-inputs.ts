import { BadUserInputError } from '../engine/errors.ts';
import { volumeName } from '../engine/refs.ts';
import { builder } from './builder.ts';
import { absolutePath, list } from './input-checks.ts';

/** Ports and mounts are asked alike of containers and of services' tasks: one input, one check. */

export const PortProtocol = builder.enumType('PortProtocol', {
  values: { TCP: { value: 'tcp' }, UDP: { value: 'udp' }, SCTP: { value: 'sctp' } } as const,
});

const ContainerMountType = builder.enumType('ContainerMountType', {
  description: "The kinds of mount a container (or a service's task, on its node) can have.",
  values: {
    VOLUME: { value: 'volume', description: 'A named volume, or a new anonymous one.' },
    BIND: { value: 'bind', description: 'A host path; it must exist.' },
    TMPFS: { value: 'tmpfs', description: 'Memory-backed, gone when the container stops.' },
  } as const,
});

export const ContainerMountInput = builder.inputType('ContainerMountInput', {
  description: "A container's mount; a service's task's mounts are made on its node.",
  fields: (t) => ({
    type: t.field({ type: ContainerMountType, required: true }),
    source: t.string({
      description:
        'Volume name (absent: a new anonymous volume), host path for BIND; none for TMPFS.',
    }),
    target: t.string({ required: true, description: 'Absolute path in the container.' }),
    readOnly: t.boolean({ defaultValue: false }),
  }),
});

/** The engine's mounts (a container's `HostConfig.Mounts`, a task's `ContainerSpec.Mounts`). */
export function mountsOf(
  mounts: readonly (typeof ContainerMountInput.$inferInput)[] | null | undefined,
) {
  return list('mounts', mounts, (mount) => {
    const target = absolutePath('mount target', mount.target);
    const source = mount.source ?? undefined;
    if (mount.type === 'tmpfs' && source !== undefined) {
      throw new BadUserInputError('a TMPFS mount has no source');
    }
    if (mount.type === 'bind' && source === undefined) {
      throw new BadUserInputError('a BIND mount needs a source path');
    }
    if (mount.type === 'bind' && source !== undefined) absolutePath('mount source', source);
    if (mount.type === 'volume' && source !== undefined) volumeName(source);
    return {
      Type: mount.type,
      ...(source !== undefined && { Source: source }),
      Target: target,
      ReadOnly: mount.readOnly ?? false,
    };
  });
}
