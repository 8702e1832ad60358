import { auditTarget } from '../audit.ts';
import type { Context } from '../context.ts';
import { attachContainer, inspectContainer, resizeContainer } from '../engine/containers.ts';
import { EngineConflictError, ForbiddenError } from '../engine/errors.ts';
import type { EngineArg } from '../engine/registry.ts';
import { containerEngine } from './containers.ts';
import { type ExecEvent, heldSession } from './exec.ts';
import { lastExitCode } from './exit-code.ts';
import { toKey } from './loaders/keys.ts';
import { checkExecUser } from './policy/create-policy.ts';
import { checkWritable, isTenant } from './tenancy.ts';

/*
 * `docker attach` through Wharf: the container's main process's output from now on, its stdin
 * from `containerInput`, its TTY size from `containerResize`. One attached session per container
 * per Wharf instance holds stdin; detaching (the subscriber leaving) leaves the process running.
 */

/**
 * The running container the principal may drive: a tenant's own, and, below admin, one whose main
 * process is no root (typing into it is exec-as-its-user: the exec policy's rule).
 */
export async function attachable(ctx: Context, args: EngineArg & { ref: string }) {
  const { client, ref } = await containerEngine(ctx, args);
  const details = await inspectContainer(client.api, ref);
  if (isTenant(ctx.principal)) {
    checkWritable(ctx.principal, details.Config.Labels, { kind: 'container', ref });
  }
  checkExecUser(ctx.principal, undefined, details);
  auditTarget(client.name, details.Id);
  return { client, details };
}

export type Attachable = Awaited<ReturnType<typeof attachable>>;

/**
 * Attaches (to a container `attachable` let through, before the subscription started, so its
 * refusals are the operation's) and yields the main process's output, then how it exited.
 */
export async function* attachContainerOutput(
  ctx: Context,
  args: EngineArg & { ref: string },
  { client, details }: Attachable,
  signal: AbortSignal,
): AsyncGenerator<ExecEvent> {
  const id = details.Id;
  if (!details.State.Running || details.State.Paused) {
    throw new EngineConflictError(`container ${args.ref} is not running`);
  }
  if (client.attaches.isAttached(id)) {
    throw new EngineConflictError(
      `container ${args.ref} is already attached through this Wharf instance`,
    );
  }
  const connection = await attachContainer(client.api, id, signal);
  const input = client.attaches.hold(id, connection.socket, ctx.principal.name);
  yield* heldSession(ctx, {
    targets: [toKey(client.name, id)],
    tty: details.Config.Tty,
    connection,
    input,
    signal,
    // The engine ends an attach when the process exits (or the container is stopped).
    exitCode: async () => lastExitCode((await inspectContainer(client.api, id)).State),
  });
}

/** The attached session's holder only: another principal typing into it would be theirs to use. */
async function heldBy(ctx: Context, args: EngineArg & { ref: string }) {
  const { client, details } = await attachable(ctx, args);
  const owner = client.attaches.ownerOf(details.Id);
  if (owner !== undefined && owner !== ctx.principal.name) {
    throw new ForbiddenError('attach.owner', 'another principal holds this attached session');
  }
  return { client, id: details.Id };
}

/** Writes to the attached main process's stdin; `close` sends EOF (it detaches the session). */
export async function writeContainerInput(
  ctx: Context,
  args: EngineArg & { ref: string; data: Buffer; close: boolean },
): Promise<void> {
  const { client, id } = await heldBy(ctx, args);
  await client.attaches.write(id, args.data, args.close);
}

/** Resizes the container's TTY (the engine answers for a container without one too). */
export async function resizeContainerTty(
  ctx: Context,
  args: EngineArg & { ref: string; rows: number; cols: number },
): Promise<void> {
  const { client, id } = await heldBy(ctx, args);
  await resizeContainer(client.api, id, args.rows, args.cols);
}
