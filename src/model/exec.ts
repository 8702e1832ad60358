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
  type ExecInspect,
  execExitCode,
  execId,
  inspectExec,
  resizeExec,
  runExec,
} from '../engine/exec.ts';
import { fitJson } from '../limits/json-size.ts';
import { toKey } from './loaders/keys.ts';

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

/** The container must exist and run; its full id is what the exec is created on. */
async function runningContainer(api: EngineApi, ref: string): Promise<string> {
  const details = await inspectContainer(api, ref);
  if (!details.State.Running || details.State.Paused) {
    throw new EngineConflictError(`container ${ref} is not running`);
  }
  return details.Id;
}

/** Creates (does not start) a process in a running container; its exec id. */
export async function createExecIn(
  api: EngineApi,
  containerRef: string,
  config: ExecConfig,
): Promise<string> {
  return createExec(api, await runningContainer(api, containerRef), config);
}

/**
 * Starts an exec created with stdin or a TTY and yields its output, then its exit. The hijacked
 * connection is held in the engine's exec sessions meanwhile, so input and resize reach it.
 */
export async function* attachExecOutput(
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
  sessions.hold(id, connection.socket);
  const decoder = new ExecOutputDecoder(framingOf(connection.contentType, state.ProcessConfig.tty));
  try {
    for await (const chunk of connection.socket as AsyncIterable<Buffer>) {
      yield* decoder.push(chunk);
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

/**
 * Runs a command in a running container to completion, without stdin. Each stream keeps its first
 * `outputCap` bytes as JSON text (a NUL is six there); the rest is drained and `truncated` says
 * so. `charge` is told the JSON size of each piece kept.
 */
export async function runExecToEnd(
  api: EngineApi,
  containerRef: string,
  config: ExecConfig,
  options: { outputCap: number; charge: (bytes: number) => void; signal?: AbortSignal | undefined },
): Promise<ExecResult> {
  const id = await createExecIn(api, containerRef, config);
  const response = await runExec(api, id, config.Tty, options.signal);
  const decoder = new ExecOutputDecoder(framingOf(response.headers['content-type'], config.Tty));
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
    exitCode: await execExitCode(api, id),
    stdout: kept.stdout.join(''),
    stderr: kept.stderr.join(''),
    truncated,
  };
}

/** Writes to the stdin of an attached exec; `close` sends EOF after the data. */
export async function writeExecInput(
  engine: EngineClient,
  id: string,
  data: Buffer,
  close: boolean,
): Promise<void> {
  await engine.execs.write(execId(id), data, close);
}

/** Resizes the TTY of an exec. */
export async function resizeExecTty(
  api: EngineApi,
  id: string,
  size: { rows: number; cols: number },
): Promise<void> {
  await resizeExec(api, id, size.rows, size.cols);
}
