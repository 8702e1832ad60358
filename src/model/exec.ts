import { type AuditContext, auditCode, auditSession, auditTarget } from '../audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { Context } from '../context.ts';
import type { EngineApi } from '../engine/api.ts';
import type { EngineClient } from '../engine/client.ts';
import { inspectContainer } from '../engine/containers.ts';
import { type Framing, framingOf } from '../engine/decode/framing.ts';
import { OutputDecoder, type OutputStreamName, StreamText } from '../engine/decode/output.ts';
import {
  EngineConflictError,
  EngineNotFoundError,
  EngineUnavailableError,
  WharfError,
} from '../engine/errors.ts';
import {
  attachExec,
  createExec,
  type ExecConfig,
  type ExecInputTally,
  type ExecInspect,
  execExitCode,
  execId,
  inspectExec,
  resizeExec,
  runExec,
} from '../engine/exec.ts';
import type { Hijacked } from '../engine/hijack.ts';
import type { Engine } from '../engine/registry.ts';
import { fitJson } from '../limits/json-size.ts';
import { toKey } from './loaders/keys.ts';
import { checkExecUser } from './policy/create-policy.ts';
import { checkWritable, isTenant } from './tenancy.ts';

/** An exec on one engine, as `execCreate` returns it. */
export interface ExecNode {
  engine: string;
  id: string;
}

/** The exec as the engine reports it now, through the request's loader. */
export async function execStateOf(ctx: Context, exec: ExecNode): Promise<ExecInspect> {
  const state = await ctx.loaders.execDetails.load(toKey(exec.engine, exec.id));
  if (!state) throw new EngineNotFoundError(`exec ${exec.id.slice(0, 12)} no longer exists`);
  return state;
}

/** Bytes the process wrote, exactly and as text decoded per stream. */
export interface ExecOutput {
  kind: 'output';
  stream: OutputStreamName;
  data: Buffer;
  text: string;
}

export interface ExecExit {
  kind: 'exit';
  exitCode: number | null;
}

/** What an attached exec yields: output as it comes, then one exit. */
export type ExecEvent = ExecOutput | ExecExit;

/** A finished one-shot exec; each stream is cut at the output cap. */
export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** Engine output bytes → output items, through the same decoder as logs. */
class ExecOutputDecoder {
  private readonly output: OutputDecoder;
  private readonly text = new StreamText();

  constructor(framing: Framing) {
    this.output = new OutputDecoder(framing);
  }

  push(chunk: Buffer): ExecOutput[] {
    return this.output.push(chunk).map(({ stream, data }) => ({
      kind: 'output',
      stream,
      data,
      text: this.text.write(stream, data),
    }));
  }

  throwIfFailed(): void {
    this.output.throwIfFailed();
  }

  end(): void {
    this.output.end();
  }
}

/**
 * The container must exist and run; its full id is what the exec is created on. Without a user
 * of its own the exec runs as the container's (empty: root), which the policy checks then.
 */
async function runningContainer(
  principal: Principal,
  api: EngineApi,
  ref: string,
  config: ExecConfig,
): Promise<string> {
  checkExecUser(principal, config.User);
  const details = await inspectContainer(api, ref);
  if (isTenant(principal)) {
    checkWritable(principal, details.Config.Labels, { kind: 'container', ref });
  }
  if (!details.State.Running || details.State.Paused) {
    throw new EngineConflictError(`container ${ref} is not running`);
  }
  checkExecUser(principal, config.User, details);
  return details.Id;
}

/** A new exec and the full id of its container, both named as the running mutation's targets. */
async function newExec(
  principal: Principal,
  engine: Engine,
  containerRef: string,
  config: ExecConfig,
) {
  const containerId = await runningContainer(principal, engine.api, containerRef, config);
  auditTarget(engine.name, containerId);
  const id = await createExec(engine.api, containerId, config);
  auditTarget(engine.name, id);
  return { containerId, id, targets: [toKey(engine.name, containerId), toKey(engine.name, id)] };
}

/** Creates (does not start) a process in a running container; its exec id. */
export async function createExecIn(
  principal: Principal,
  engine: Engine,
  containerRef: string,
  config: ExecConfig,
): Promise<string> {
  return (await newExec(principal, engine, containerRef, config)).id;
}

/** An exec session's end line for a session that failed or was cut off: no exit code. */
const endedBy = (error: unknown) => ({ exitCode: null, error: auditCode(error) });

/**
 * Starts an exec created with stdin or a TTY and yields its output, then its exit. The hijacked
 * connection is held in the engine's exec sessions meanwhile, so input and resize reach it.
 */
export async function* attachExecOutput(
  ctx: AuditContext,
  engine: EngineClient,
  id: string,
  signal: AbortSignal,
): AsyncGenerator<ExecEvent> {
  const sessions = engine.execs;
  if (sessions.isAttached(execId(id)))
    throw new EngineConflictError(`exec ${id.slice(0, 12)} is already attached`);
  const state = await inspectExec(engine.api, id);
  if (state.Running || state.ExitCode !== null) {
    throw new EngineConflictError(`exec ${id.slice(0, 12)} was already started`);
  }
  const connection = await attachExec(engine.api, id, state.ProcessConfig.tty, signal);
  const input = sessions.hold(id, connection.socket);
  yield* heldSession(ctx, {
    targets: [toKey(engine.name, state.ContainerID), toKey(engine.name, id)],
    tty: state.ProcessConfig.tty,
    connection,
    input,
    signal,
    exitCode: () => execExitCode(engine.api, id),
  });
}

/** An attached (hijacked) session: execAttach's and containerAttach's. */
export interface HeldSession {
  /** What the audit line names. */
  targets: string[];
  tty: boolean;
  connection: Hijacked;
  /** The input it took, counted on its end line. */
  input: Readonly<ExecInputTally>;
  signal: AbortSignal;
  /** How the process ended, asked once the engine closed the output. */
  exitCode: () => Promise<number | null>;
}

/**
 * A held session's output as it comes, then its exit: audited as one session (the end line counts
 * the input: no input call writes its own), the connection closed however it ends.
 */
export async function* heldSession(
  ctx: AuditContext,
  session: HeldSession,
): AsyncGenerator<ExecEvent> {
  const { connection, input, signal } = session;
  const audited = auditSession(ctx, session.targets, { tty: session.tty });
  const ended = (end: { exitCode: number | null; error?: string }) =>
    audited({ ...end, inputs: input.inputs, inputBytes: input.inputBytes });
  const decoder = new ExecOutputDecoder(framingOf(connection.contentType, session.tty));
  try {
    try {
      for await (const chunk of connection.socket as AsyncIterable<Buffer>) {
        yield* decoder.push(chunk);
        decoder.throwIfFailed();
      }
      decoder.end();
    } catch (error) {
      if (signal.aborted || error instanceof WharfError) throw error;
      throw new EngineUnavailableError('the engine closed the connection', { cause: error });
    } finally {
      connection.close();
    }
    const exitCode = await session.exitCode();
    ended({ exitCode });
    yield { kind: 'exit', exitCode };
  } catch (error) {
    ended(endedBy(error));
    throw error;
  } finally {
    // The subscriber went away before the process ended.
    ended({ exitCode: null, error: 'CLIENT_GONE' });
  }
}

/**
 * Runs a command in a running container to completion, without stdin. Each stream keeps its first
 * `outputCap` bytes as JSON text (a NUL is six there); the rest is drained and `truncated` says
 * so. `charge` is told the JSON size of each piece kept.
 */
export async function runExecToEnd(
  ctx: AuditContext,
  engine: Engine,
  containerRef: string,
  config: ExecConfig,
  options: { outputCap: number; charge: (bytes: number) => void; signal?: AbortSignal | undefined },
): Promise<ExecResult> {
  const { api } = engine;
  const { id, targets } = await newExec(ctx.principal, engine, containerRef, config);
  const response = await runExec(api, id, config.Tty, options.signal);
  const ended = auditSession(ctx, targets, { tty: config.Tty });
  try {
    const result = await collectOutput(response, config.Tty, options);
    const exitCode = await execExitCode(api, id);
    ended({ exitCode });
    return { exitCode, ...result };
  } catch (error) {
    ended(endedBy(error));
    throw error;
  }
}

/** The output of a one-shot exec, each stream cut at the cap. */
async function collectOutput(
  response: Awaited<ReturnType<typeof runExec>>,
  tty: boolean,
  options: { outputCap: number; charge: (bytes: number) => void },
) {
  const decoder = new ExecOutputDecoder(framingOf(response.headers['content-type'], tty));
  const kept: Record<OutputStreamName, string[]> = { stdout: [], stderr: [] };
  const sizes: Record<OutputStreamName, number> = { stdout: 0, stderr: 0 };
  let truncated = false;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    for (const { stream, text } of decoder.push(chunk)) {
      const room = options.outputCap - sizes[stream];
      if (room <= 0) {
        truncated ||= text.length > 0;
        continue;
      }
      const fit = fitJson(text, room);
      truncated ||= fit.text.length < text.length;
      options.charge(fit.size);
      kept[stream].push(fit.text);
      sizes[stream] += fit.size;
    }
  }
  decoder.end();
  return {
    stdout: kept.stdout.join(''),
    stderr: kept.stderr.join(''),
    truncated,
  };
}

/**
 * Writes to the stdin of an attached exec; `close` sends EOF after the data. No audit line: the
 * session's end line counts it (a chatty terminal would otherwise write one per keystroke).
 */
export async function writeExecInput(
  engine: EngineClient,
  id: string,
  data: Buffer,
  close: boolean,
): Promise<void> {
  await engine.execs.write(execId(id), data, close);
}

/** Resizes the TTY of an exec; the audit line names its container and the exec. */
export async function resizeExecTty(
  engine: Engine,
  id: string,
  size: { rows: number; cols: number },
): Promise<void> {
  const state = await inspectExec(engine.api, id);
  auditTarget(engine.name, state.ContainerID);
  auditTarget(engine.name, state.ID);
  await resizeExec(engine.api, state.ID, size.rows, size.cols);
}
