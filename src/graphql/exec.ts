import type { ArgBuilder } from '@pothos/core';
import { BadUserInputError } from '../engine/errors.ts';
import type { ExecConfig } from '../engine/exec.ts';
import { abortable } from '../engine/iterate.ts';
import { engineClientFor, engineFor } from '../engine/registry.ts';
import { chargeResponseBytes } from '../limits/operation-scope.ts';
import {
  attachable,
  attachContainerOutput,
  resizeContainerTty,
  writeContainerInput,
} from '../model/attach.ts';
import { containerEngine } from '../model/containers.ts';
import {
  attachExecOutput,
  createExecIn,
  type ExecExit as ExecExitShape,
  type ExecNode,
  type ExecOutput as ExecOutputShape,
  type ExecResult,
  execStateOf,
  resizeExecTty,
  runExecToEnd,
  writeExecInput,
} from '../model/exec.ts';
import { checkExecOwner, recordExecOwner } from '../model/exec-owners.ts';
import { toKey } from '../model/loaders/keys.ts';
import { builder, type Types } from './builder.ts';
import { OutputStream } from './common.ts';
import { engineArg } from './engine-connection.ts';
import { argument, envEntry, list, singleLine } from './input-checks.ts';
import { Container } from './nodes.ts';

/**
 * What the one-shot `exec` keeps of each stream, in bytes of JSON (a NUL is six); the rest is
 * drained and `truncated` says so.
 */
export const EXEC_OUTPUT_CAP = 1024 * 1024;

function execConfig(input: {
  cmd: readonly string[];
  env?: readonly string[] | null;
  workingDir?: string | null;
  user?: string | null;
  tty?: boolean | null;
  stdin?: boolean | null;
  consoleSize?: { rows: number; cols: number } | null;
}): ExecConfig {
  if (input.cmd.length === 0 || input.cmd[0] === '')
    throw new BadUserInputError('cmd must name a program');
  const cmd = list('cmd', input.cmd, (value) => argument('cmd', value)) ?? [];
  const env = list('env', input.env, (entry) => envEntry('env', entry));
  const workingDir = input.workingDir && singleLine('workingDir', input.workingDir);
  const user = input.user && singleLine('user', input.user);
  const size = input.consoleSize;
  if (size && !(validDimension(size.rows) && validDimension(size.cols))) {
    throw new BadUserInputError('consoleSize rows and cols must be 1 to 65535');
  }
  return {
    Cmd: cmd,
    ...(env && { Env: env }),
    ...(workingDir && { WorkingDir: workingDir }),
    ...(user && { User: user }),
    Tty: input.tty ?? false,
    AttachStdin: input.stdin ?? false,
    AttachStdout: true,
    AttachStderr: true,
    ...(size && { ConsoleSize: [size.rows, size.cols] as [number, number] }),
  };
}

function validDimension(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Exec ids are the engine's own: which engine holds one is said, not looked up. */
function execEngineArg(arg: ArgBuilder<Types>) {
  return arg.string({
    description: 'The engine the exec runs on (`Exec.engine`); the default one when omitted.',
  });
}

const Exec = builder.objectRef<ExecNode>('Exec').implement({
  description: 'A process started in a running container with `execCreate`.',
  fields: (t) => ({
    execId: t.string({ description: "The engine's exec id.", resolve: (e) => e.id }),
    engine: t.string({
      description: 'The engine it runs on: pass it as `engine` with `execId`.',
      resolve: (e) => e.engine,
    }),
    container: t.field({
      type: Container,
      resolve: async (e, _args, ctx) => {
        const state = await execStateOf(ctx, e);
        return toKey(e.engine, state.ContainerID);
      },
    }),
    running: t.boolean({
      resolve: async (e, _args, ctx) => (await execStateOf(ctx, e)).Running,
    }),
    exitCode: t.int({
      nullable: true,
      description: 'Null until the process has exited.',
      resolve: async (e, _args, ctx) => {
        const state = await execStateOf(ctx, e);
        return state.Running ? null : state.ExitCode;
      },
    }),
    tty: t.boolean({
      resolve: async (e, _args, ctx) => (await execStateOf(ctx, e)).ProcessConfig.tty,
    }),
  }),
});

const ConsoleSize = builder.inputType('ConsoleSizeInput', {
  fields: (t) => ({
    rows: t.int({ required: true }),
    cols: t.int({ required: true }),
  }),
});

const ExecInput = builder.inputType('ExecInput', {
  fields: (t) => ({
    container: t.string({
      required: true,
      description: 'Global id, full id, unique id prefix or name.',
    }),
    engine: t.string({
      description:
        'The engine to look the container name or prefix up on (see `container(engine:)`).',
    }),
    cmd: t.stringList({ required: true }),
    tty: t.boolean({ defaultValue: false }),
    stdin: t.boolean({ defaultValue: false, description: 'Keep stdin open for `execInput`.' }),
    env: t.stringList({ description: '`KEY=value` entries.' }),
    workingDir: t.string(),
    user: t.string({ description: '`user`, `user:group`, `uid` or `uid:gid`.' }),
    consoleSize: t.field({ type: ConsoleSize, description: 'Initial TTY size (engines ≥ 1.42).' }),
  }),
});

const ExecOutput = builder.objectRef<ExecOutputShape>('ExecOutput').implement({
  description: 'Bytes the process wrote, as UTF-8 text and exactly (base64).',
  fields: (t) => ({
    stream: t.field({ type: OutputStream, resolve: (o) => o.stream }),
    text: t.string({
      description: 'Decoded per stream: a character split between two reads arrives whole.',
      resolve: (o) => o.text,
    }),
    base64: t.string({ resolve: (o) => o.data.toString('base64') }),
  }),
});

const ExecExit = builder.objectRef<ExecExitShape>('ExecExit').implement({
  description: 'The process ended; always the last event of `execAttach`.',
  fields: (t) => ({
    exitCode: t.int({ nullable: true, resolve: (e) => e.exitCode }),
  }),
});

const ExecEvent = builder.unionType('ExecEvent', {
  types: [ExecOutput, ExecExit],
  resolveType: (event) => (event.kind === 'output' ? ExecOutput : ExecExit),
});

builder.mutationFields((t) => ({
  execCreate: t.field({
    // Root or a privileged exec needs admin: the create policy's exec.user-root rule decides.
    authScopes: { operator: true },
    type: Exec,
    description:
      'Creates (does not start) a process in a running container; start it with `execAttach`.',
    args: { input: t.arg({ type: ExecInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const config = execConfig(input);
      const target = await containerEngine(ctx, { ref: input.container, engine: input.engine });
      const engine = target.client;
      const id = await createExecIn(ctx.principal, engine, target.ref, config);
      recordExecOwner(ctx.principal, engine.name, id);
      return { engine: engine.name, id };
    },
  }),
  execInput: t.boolean({
    authScopes: { operator: true },
    description:
      'Writes to the stdin of an exec that `execAttach` holds; `closeStdin` sends EOF after it.',
    args: {
      execId: t.arg.string({ required: true }),
      engine: execEngineArg(t.arg),
      data: t.arg.string({ required: true, description: 'UTF-8 text, sent as is.' }),
      closeStdin: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const engine = engineClientFor(ctx, args);
      checkExecOwner(ctx.principal, engine.name, args.execId);
      await writeExecInput(
        engine,
        args.execId,
        Buffer.from(args.data, 'utf8'),
        args.closeStdin ?? false,
      );
      return true;
    },
  }),
  execResize: t.boolean({
    authScopes: { operator: true },
    description: 'Resizes the TTY of an exec.',
    args: {
      execId: t.arg.string({ required: true }),
      engine: execEngineArg(t.arg),
      rows: t.arg.int({ required: true }),
      cols: t.arg.int({ required: true }),
    },
    resolve: async (_root, { execId: id, engine: name, rows, cols }, ctx) => {
      if (!validDimension(rows) || !validDimension(cols)) {
        throw new BadUserInputError('rows and cols must be 1 to 65535');
      }
      const engine = engineFor(ctx, { engine: name });
      checkExecOwner(ctx.principal, engine.name, id);
      await resizeExecTty(engine, id, { rows, cols });
      return true;
    },
  }),
  exec: t.field({
    authScopes: { operator: true },
    type: builder.objectRef<ExecResult>('ExecResult').implement({
      description: `A finished one-shot exec. Each stream keeps its first ${EXEC_OUTPUT_CAP} bytes as JSON text (a NUL counts six); \`truncated\` says whether more was dropped.`,
      fields: (f) => ({
        exitCode: f.int({ nullable: true, resolve: (r) => r.exitCode }),
        stdout: f.exposeString('stdout'),
        stderr: f.exposeString('stderr'),
        truncated: f.exposeBoolean('truncated'),
      }),
    }),
    description: `Runs a command in a running container to completion and returns its output (at most ${EXEC_OUTPUT_CAP} bytes of JSON text per stream) and exit code. No stdin.`,
    args: {
      container: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      cmd: t.arg.stringList({ required: true }),
      env: t.arg.stringList(),
      workingDir: t.arg.string(),
      user: t.arg.string(),
      tty: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const config = execConfig({ ...args, stdin: false });
      const target = await containerEngine(ctx, { ref: args.container, engine: args.engine });
      return runExecToEnd(ctx, target.client, target.ref, config, {
        outputCap: EXEC_OUTPUT_CAP,
        charge: chargeResponseBytes,
        signal: ctx.signal,
      });
    },
  }),
}));

builder.subscriptionField('execAttach', (t) =>
  t.field({
    authScopes: { operator: true },
    type: ExecEvent,
    description:
      'Starts an exec created by `execCreate` and streams its output, ending with `ExecExit`. Send stdin with `execInput`, resize with `execResize`. If the subscriber goes away, Wharf closes the connection: a TTY process gets SIGHUP, others see stdin closed; the engine has no exec kill, so a process that ignores both keeps running.',
    args: { execId: t.arg.string({ required: true }), engine: execEngineArg(t.arg) },
    subscribe: (_root, args, ctx) => {
      const engine = engineClientFor(ctx, args);
      checkExecOwner(ctx.principal, engine.name, args.execId);
      return abortable((signal) => attachExecOutput(ctx, engine, args.execId, signal));
    },
    resolve: (event) => event,
  }),
);

builder.subscriptionField('containerAttach', (t) =>
  t.field({
    authScopes: { operator: true },
    type: ExecEvent,
    description:
      "Attaches to a running container's main process, as `docker attach` does: its output from now on (one STDOUT stream with a TTY), ending with `ExecExit` when it exits or is stopped (exit code null when the session ended with the process still running). Send stdin with `containerInput` (the container needs `OpenStdin`, e.g. created with `-i`), resize its TTY with `containerResize`. Unsubscribing detaches; the process keeps running. One attached session per container per Wharf instance; below admin, a process running as root is exec-as-root (rule exec.user-root).",
    args: { ref: t.arg.string({ required: true }), engine: engineArg(t.arg) },
    subscribe: async (_root, args, ctx) => {
      const target = await attachable(ctx, args);
      return abortable((signal) => attachContainerOutput(ctx, args, target, signal));
    },
    resolve: (event) => event,
  }),
);

builder.mutationFields((t) => ({
  containerInput: t.boolean({
    authScopes: { operator: true },
    description:
      'Writes to the stdin of a container `containerAttach` holds on this Wharf instance (only its holder may). `closeStdin` ends the session after it: the engine detaches (the process keeps its stdin unless the container was made with StdinOnce) and `containerAttach` ends with a null exit code.',
    args: {
      ref: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      data: t.arg.string({ required: true, description: 'UTF-8 text, sent as is.' }),
      closeStdin: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      await writeContainerInput(ctx, {
        ref: args.ref,
        engine: args.engine,
        data: Buffer.from(args.data, 'utf8'),
        close: args.closeStdin ?? false,
      });
      return true;
    },
  }),
  containerResize: t.boolean({
    authScopes: { operator: true },
    description: "Resizes a container's TTY (as a terminal attached to it does).",
    args: {
      ref: t.arg.string({ required: true }),
      engine: engineArg(t.arg),
      rows: t.arg.int({ required: true }),
      cols: t.arg.int({ required: true }),
    },
    resolve: async (_root, args, ctx) => {
      if (!validDimension(args.rows) || !validDimension(args.cols)) {
        throw new BadUserInputError('rows and cols must be 1 to 65535');
      }
      await resizeContainerTty(ctx, args);
      return true;
    },
  }),
}));
