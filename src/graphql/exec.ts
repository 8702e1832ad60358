import { StringDecoder } from 'node:string_decoder';
import type { Context } from '../context.ts';
import { inspectContainer } from '../engine/containers.ts';
import { framingOf } from '../engine/decode/framing.ts';
import { MultiplexedDecoder } from '../engine/decode/multiplexed.ts';
import {
  BadUserInputError,
  EngineConflictError,
  EngineNotFoundError,
  EngineUnavailableError,
  WharfError,
} from '../engine/errors.ts';
import {
  attachExec,
  createExec,
  type ExecConfig,
  type ExecInspect,
  execExitCode,
  execId,
  inspectExec,
  resizeExec,
  runExec,
} from '../engine/exec.ts';
import { abortable } from '../engine/iterate.ts';
import { containerRef } from '../engine/refs.ts';
import { fitJson } from '../limits/json-size.ts';
import { chargeResponseBytes } from '../limits/operation-scope.ts';
import { toKey } from '../loaders/keys.ts';
import { builder } from './builder.ts';
import { OutputStream } from './common.ts';
import { Container } from './containers.ts';
import { defaultEngine } from './filters.ts';
import { argument, envEntry, list, singleLine } from './input-checks.ts';

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

/** The container must exist and run; its full id is what the exec is created on. */
async function runningContainer(ctx: Context, ref: string): Promise<string> {
  const details = await inspectContainer(defaultEngine(ctx).api, containerRef(ref));
  if (!details.State.Running || details.State.Paused) {
    throw new EngineConflictError(`container ${ref} is not running`);
  }
  return details.Id;
}

interface ExecShape {
  engine: string;
  id: string;
}

async function stateOf(exec: ExecShape, ctx: Context): Promise<ExecInspect> {
  const state = await ctx.loaders.execDetails.load(toKey(exec.engine, exec.id));
  if (!state) throw new EngineNotFoundError(`exec ${exec.id.slice(0, 12)} no longer exists`);
  return state;
}

const Exec = builder.objectRef<ExecShape>('Exec').implement({
  description: 'A process started in a running container with `execCreate`.',
  fields: (t) => ({
    execId: t.string({ description: "The engine's exec id.", resolve: (e) => e.id }),
    container: t.field({
      type: Container,
      resolve: async (e, _args, ctx) => {
        const state = await stateOf(e, ctx);
        return toKey(e.engine, state.ContainerID);
      },
    }),
    running: t.boolean({
      resolve: async (e, _args, ctx) => (await stateOf(e, ctx)).Running,
    }),
    exitCode: t.int({
      nullable: true,
      description: 'Null until the process has exited.',
      resolve: async (e, _args, ctx) => {
        const state = await stateOf(e, ctx);
        return state.Running ? null : state.ExitCode;
      },
    }),
    tty: t.boolean({
      resolve: async (e, _args, ctx) => (await stateOf(e, ctx)).ProcessConfig.tty,
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
    container: t.string({ required: true, description: 'Full id, unique id prefix or name.' }),
    cmd: t.stringList({ required: true }),
    tty: t.boolean({ defaultValue: false }),
    stdin: t.boolean({ defaultValue: false, description: 'Keep stdin open for `execInput`.' }),
    env: t.stringList({ description: '`KEY=value` entries.' }),
    workingDir: t.string(),
    user: t.string({ description: '`user`, `user:group`, `uid` or `uid:gid`.' }),
    consoleSize: t.field({ type: ConsoleSize, description: 'Initial TTY size (engines ≥ 1.42).' }),
  }),
});

type OutputShape = { kind: 'output'; stream: 'stdout' | 'stderr'; data: Buffer; text: string };
type ExecEventShape = OutputShape | { kind: 'exit'; exitCode: number | null };

const ExecOutput = builder.objectRef<OutputShape>('ExecOutput').implement({
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

const ExecExit = builder
  .objectRef<Extract<ExecEventShape, { kind: 'exit' }>>('ExecExit')
  .implement({
    description: 'The process ended; always the last event of `execAttach`.',
    fields: (t) => ({
      exitCode: t.int({ nullable: true, resolve: (e) => e.exitCode }),
    }),
  });

const ExecEvent = builder.unionType('ExecEvent', {
  types: [ExecOutput, ExecExit],
  resolveType: (event) => (event.kind === 'output' ? ExecOutput : ExecExit),
});

/** Output events from raw or multiplexed bytes, text decoded per stream. */
function outputDecoder(multiplexed: boolean) {
  const frames = multiplexed ? new MultiplexedDecoder() : undefined;
  const text = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const event = (stream: 'stdout' | 'stderr', data: Buffer): OutputShape => ({
    kind: 'output',
    stream,
    data,
    text: text[stream].write(data),
  });
  return {
    push(chunk: Buffer): OutputShape[] {
      if (!frames) return [event('stdout', chunk)];
      return frames
        .push(chunk)
        .flatMap((f) => (f.stream === 'stdin' ? [] : [event(f.stream, f.data)]));
    },
    throwIfFailed(): void {
      frames?.throwIfFailed();
    },
    end(): void {
      frames?.end();
    },
  };
}

async function* attach(
  ctx: Context,
  id: string,
  signal: AbortSignal,
): AsyncGenerator<ExecEventShape> {
  const engine = defaultEngine(ctx);
  const sessions = ctx.engines.client(engine.name)?.execs;
  if (sessions?.isAttached(execId(id)))
    throw new EngineConflictError(`exec ${id.slice(0, 12)} is already attached`);
  const state = await inspectExec(engine.api, id);
  if (state.Running || state.ExitCode !== null) {
    throw new EngineConflictError(`exec ${id.slice(0, 12)} was already started`);
  }
  const connection = await attachExec(engine.api, id, state.ProcessConfig.tty, signal);
  sessions?.hold(id, connection.socket);
  const decoder = outputDecoder(
    framingOf(connection.contentType, state.ProcessConfig.tty) === 'multiplexed',
  );
  try {
    for await (const chunk of connection.socket as AsyncIterable<Buffer>) {
      for (const output of decoder.push(chunk)) yield output;
      decoder.throwIfFailed();
    }
    decoder.end();
  } catch (error) {
    if (signal.aborted || error instanceof WharfError) throw error;
    throw new EngineUnavailableError('the engine closed the exec connection', { cause: error });
  } finally {
    connection.close();
  }
  yield { kind: 'exit', exitCode: await execExitCode(engine.api, id) };
}

builder.mutationFields((t) => ({
  execCreate: t.field({
    type: Exec,
    description:
      'Creates (does not start) a process in a running container; start it with `execAttach`.',
    args: { input: t.arg({ type: ExecInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const config = execConfig(input);
      const container = await runningContainer(ctx, input.container);
      const engine = defaultEngine(ctx);
      return { engine: engine.name, id: await createExec(engine.api, container, config) };
    },
  }),
  execInput: t.boolean({
    description:
      'Writes to the stdin of an exec that `execAttach` holds; `closeStdin` sends EOF after it.',
    args: {
      execId: t.arg.string({ required: true }),
      data: t.arg.string({ required: true, description: 'UTF-8 text, sent as is.' }),
      closeStdin: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const sessions = ctx.engines.client(defaultEngine(ctx).name)?.execs;
      await sessions?.write(
        execId(args.execId),
        Buffer.from(args.data, 'utf8'),
        args.closeStdin ?? false,
      );
      return true;
    },
  }),
  execResize: t.boolean({
    description: 'Resizes the TTY of an exec.',
    args: {
      execId: t.arg.string({ required: true }),
      rows: t.arg.int({ required: true }),
      cols: t.arg.int({ required: true }),
    },
    resolve: async (_root, { execId: id, rows, cols }, ctx) => {
      if (!validDimension(rows) || !validDimension(cols)) {
        throw new BadUserInputError('rows and cols must be 1 to 65535');
      }
      await resizeExec(defaultEngine(ctx).api, id, rows, cols);
      return true;
    },
  }),
  exec: t.field({
    type: builder
      .objectRef<{ exitCode: number | null; stdout: string; stderr: string; truncated: boolean }>(
        'ExecResult',
      )
      .implement({
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
      cmd: t.arg.stringList({ required: true }),
      env: t.arg.stringList(),
      workingDir: t.arg.string(),
      user: t.arg.string(),
      tty: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const config = execConfig({ ...args, stdin: false });
      const container = await runningContainer(ctx, args.container);
      const { api } = defaultEngine(ctx);
      const id = await createExec(api, container, config);
      const response = await runExec(api, id, config.Tty, ctx.signal);
      const decoder = outputDecoder(
        framingOf(response.headers['content-type'], config.Tty) === 'multiplexed',
      );
      // The cap counts the text as it leaves in JSON: a NUL is six bytes there, not one.
      const kept = { stdout: [] as string[], stderr: [] as string[] };
      const sizes = { stdout: 0, stderr: 0 };
      let truncated = false;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        for (const { stream, text } of decoder.push(chunk)) {
          const room = EXEC_OUTPUT_CAP - sizes[stream];
          if (room <= 0) {
            truncated ||= text.length > 0;
            continue;
          }
          const fit = fitJson(text, room);
          truncated ||= fit.text.length < text.length;
          chargeResponseBytes(fit.size);
          kept[stream].push(fit.text);
          sizes[stream] += fit.size;
        }
      }
      decoder.end();
      return {
        exitCode: await execExitCode(api, id),
        stdout: kept.stdout.join(''),
        stderr: kept.stderr.join(''),
        truncated,
      };
    },
  }),
}));

builder.subscriptionField('execAttach', (t) =>
  t.field({
    type: ExecEvent,
    description:
      'Starts an exec created by `execCreate` and streams its output, ending with `ExecExit`. Send stdin with `execInput`, resize with `execResize`. If the subscriber goes away, Wharf closes the connection: a TTY process gets SIGHUP, others see stdin closed; the engine has no exec kill, so a process that ignores both keeps running.',
    args: { execId: t.arg.string({ required: true }) },
    subscribe: (_root, args, ctx) => abortable((signal) => attach(ctx, args.execId, signal)),
    resolve: (event) => event,
  }),
);
