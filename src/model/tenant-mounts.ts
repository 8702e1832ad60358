import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import type { ContainerCreateBody } from '../engine/containers.ts';
import { EngineNotFoundError } from '../engine/errors.ts';
import { inspectImage } from '../engine/images.ts';
import type { Engine } from '../engine/registry.ts';
import { createVolume, inspectVolume, removeVolume } from '../engine/volumes.ts';
import { rememberLabels } from './event-labels.ts';
import { checkWritable, isTenant, stampLabels, visibleTo } from './tenancy.ts';

type Mount = NonNullable<ContainerCreateBody['HostConfig']['Mounts']>[number];

/** Whether the volume was made here (and so is this create's to undo). */
async function ownVolume(
  ctx: Context,
  engine: Engine,
  name: string,
  labels: Record<string, string>,
): Promise<boolean> {
  const target = { kind: 'volume' as const, ref: name };
  const found = await inspectVolume(engine.api, name).catch((error: unknown) => {
    if (error instanceof EngineNotFoundError) return undefined;
    throw error;
  });
  if (found) {
    checkWritable(ctx.principal, found.Labels, target);
    return false;
  }
  const volume = await createVolume(engine.api, {
    Name: name,
    Driver: 'local',
    DriverOpts: {},
    Labels: labels,
  });
  // Made by someone else since the inspect: the engine answered with theirs.
  checkWritable(ctx.principal, volume.Labels, target);
  auditTarget(engine.name, name);
  rememberLabels(ctx.engines, engine.name, { kind: 'volume', id: name, labels: volume.Labels });
  return true;
}

/**
 * A tenant's container mounts only volumes of its own. A named volume must be its own, or is made
 * for it now with its labels (the engine would make it unlabelled). Anonymous volumes (a VOLUME
 * mount without a source, and each VOLUME path of the image) are mounts that the engine makes
 * with the tenant's labels. The image is inspected for its VOLUME paths by ref; a retag between
 * that inspect and the create can still give the container an unlabelled anonymous volume.
 *
 * Answers the body to create and a function that removes the volumes made here (when the create
 * fails).
 */
export async function tenantMounts(
  ctx: Context,
  engine: Engine,
  body: ContainerCreateBody,
): Promise<{ body: ContainerCreateBody; undo: () => Promise<void> }> {
  if (!isTenant(ctx.principal)) return { body, undo: async () => {} };
  const labels = stampLabels(ctx.principal, undefined) as Record<string, string>;
  const mounts = body.HostConfig.Mounts ?? [];
  const made: string[] = [];
  const undo = async () => {
    // Best effort: the create's own failure is what the client must see.
    await Promise.allSettled(made.map((name) => removeVolume(engine.api, name, false)));
  };
  try {
    const image = await inspectImage(engine.api, body.Image);
    if (!visibleTo(ctx.principal, image.Config?.Labels)) {
      throw new EngineNotFoundError(`No such image: ${body.Image}`);
    }
    const named = new Set(
      mounts.flatMap((m) => (m.Type === 'volume' && m.Source ? [m.Source] : [])),
    );
    for (const name of named) {
      if (await ownVolume(ctx, engine, name, labels)) made.push(name);
    }
    const targets = new Set(mounts.map((mount) => mount.Target.replace(/\/+$/, '')));
    const fromImage = Object.keys(image.Config?.Volumes ?? {})
      .filter((path) => !targets.has(path.replace(/\/+$/, '')))
      .map((Target): Mount => ({ Type: 'volume', Target, ReadOnly: false }));
    const stamped = [...mounts, ...fromImage].map((mount) =>
      mount.Type === 'volume' && mount.Source === undefined
        ? { ...mount, VolumeOptions: { Labels: labels } }
        : mount,
    );
    return {
      body:
        stamped.length === 0
          ? body
          : { ...body, HostConfig: { ...body.HostConfig, Mounts: stamped } },
      undo,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}
