import type { Duplex } from 'node:stream';
import type { EngineApi } from './api.ts';
import { BadUserInputError, EngineNotFoundError } from './errors.ts';
import { containerRef } from './refs.ts';

export interface ExecConfig {
  Cmd: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Tty: boolean;
  AttachStdin: boolean;
  AttachStdout: true;
  AttachStderr: true;
  /** [rows, cols]; honoured with a TTY from API 1.42 on. */
  ConsoleSize?: [number, number];
}

/** `GET /exec/{id}/json` */
export interface ExecInspect {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  OpenStdin: boolean;
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[] | null; user?: string };
}

/** Exec ids are 64 hex digits; checked because they become URL path segments. */
export function execId(id: string): string {
  if (!/^[a-f0-9]{64}$/.test(id))
    throw new BadUserInputError(`"${id.slice(0, 80)}" is not an exec id`);
  return id;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ContainerExec */
export async function createExec(api: EngineApi, container: string, config: ExecConfig) {
  const created = await api.json<{ Id: string }>(
    'POST',
    `/containers/${containerRef(container)}/exec`,
    {
      body: config,
    },
  );
  return created.Id;
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ExecInspect */
export function inspectExec(api: EngineApi, id: string) {
  return api.json<ExecInspect>('GET', `/exec/${execId(id)}/json`);
}

/** @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ExecResize */
export async function resizeExec(api: EngineApi, id: string, rows: number, cols: number) {
  await api.call('POST', `/exec/${execId(id)}/resize`, { query: { h: rows, w: cols } });
}

/**
 * Starts an exec and hands back the hijacked connection: stdin in, output out (multiplexed unless
 * TTY). The start request's Tty must equal the create request's, or the framing lies.
 * @see https://docs.docker.com/reference/api/engine/version/v1.41/#operation/ExecStart
 */
export function attachExec(api: EngineApi, id: string, tty: boolean, signal?: AbortSignal) {
  return api.hijack(`/exec/${execId(id)}/start`, {
    body: { Detach: false, Tty: tty },
    ...(signal && { signal }),
  });
}

/** Starts an exec without stdin: the output comes as an ordinary streamed HTTP body. */
export function runExec(api: EngineApi, id: string, tty: boolean, signal?: AbortSignal) {
  return api.stream('POST', `/exec/${execId(id)}/start`, {
    body: { Detach: false, Tty: tty },
    ...(signal && { signal }),
  });
}

/**
 * How long the recorded exit may lag the output's end. Usually milliseconds, but a busy engine
 * takes more than a second (a fixed 50 quick asks gave a null exit code under load).
 */
const EXIT_RECORD_WAIT_MS = 10_000;

/**
 * The exit code once the process is gone. The engine closes the output a moment before it records
 * the exit, so this asks again, less and less often, while it still says Running; null if it
 * still does after EXIT_RECORD_WAIT_MS (a process that closed its output and runs on).
 */
export async function execExitCode(api: EngineApi, id: string): Promise<number | null> {
  const deadline = performance.now() + EXIT_RECORD_WAIT_MS;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const state = await inspectExec(api, id);
    if (!state.Running) return state.ExitCode;
    if (performance.now() + pause > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** The input an attached exec took: how many `execInput` calls and bytes (never what was typed). */
export interface ExecInputTally {
  inputs: number;
  inputBytes: number;
}

interface Session {
  socket: Duplex;
  input: ExecInputTally;
  /** Who attached (container attach: only they may send input). */
  owner: string | undefined;
}

/**
 * The hijacked connections of attached execs (or containers), so input and resize (other
 * requests, maybe other transports) reach the process the attach subscription holds.
 */
export class ExecSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly kind: 'exec' | 'container';

  constructor(kind: 'exec' | 'container' = 'exec') {
    this.kind = kind;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Registers the connection until it closes. One attach per exec: the engine allows no second.
   * The tally counts the input it takes, for the session's end line (no execInput writes its own).
   */
  hold(id: string, socket: Duplex, owner?: string): Readonly<ExecInputTally> {
    const session = { socket, input: { inputs: 0, inputBytes: 0 }, owner };
    this.sessions.set(id, session);
    socket.once('close', () => {
      if (this.sessions.get(id) === session) this.sessions.delete(id);
    });
    return session.input;
  }

  isAttached(id: string): boolean {
    return this.sessions.has(id);
  }

  ownerOf(id: string): string | undefined {
    return this.sessions.get(id)?.owner;
  }

  /** Writes to the process's stdin; `close` sends EOF (half-close) after the data. */
  async write(id: string, data: Buffer, close: boolean): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) {
      const [attach, input] =
        this.kind === 'exec' ? ['execAttach', 'execInput'] : ['containerAttach', 'containerInput'];
      throw new EngineNotFoundError(
        `${this.kind} ${id.slice(0, 12)} is not attached on this Wharf instance: subscribe to ${attach} first, and send ${input} to the instance that holds it`,
      );
    }
    const { socket, input } = session;
    if (data.length > 0) {
      await new Promise<void>((resolve, reject) =>
        socket.write(data, (error) => (error ? reject(error) : resolve())),
      );
    }
    if (close) socket.end();
    input.inputs += 1;
    input.inputBytes += data.length;
  }
}
