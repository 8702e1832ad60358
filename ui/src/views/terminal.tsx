import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type {
  ExecAttachSubscription,
  ExecAttachSubscriptionVariables,
} from '../__generated__/graphql.ts';
import type { Api, GraphQLError } from '../api.ts';

const CREATE = graphql(`mutation ExecCreate($input: ExecInput!) {
  execCreate(input: $input) { execId engine }
}`);

const ATTACH = graphql(`subscription ExecAttach($execId: String!, $engine: String) {
  execAttach(execId: $execId, engine: $engine) {
    __typename
    ... on ExecOutput { text }
    ... on ExecExit { exitCode }
  }
}`);

const INPUT = graphql(`mutation ExecInput($execId: String!, $engine: String, $data: String!) {
  execInput(execId: $execId, engine: $engine, data: $data)
}`);

const RESIZE =
  graphql(`mutation ExecResize($execId: String!, $engine: String, $rows: Int!, $cols: Int!) {
  execResize(execId: $execId, engine: $engine, rows: $rows, cols: $cols)
}`);

type Status =
  | { name: 'starting' }
  | { name: 'running' }
  | { name: 'exited'; exitCode: number | null }
  | { name: 'ended'; message: string }
  | { name: 'failed'; message: string };

/**
 * Keystrokes in order: one `execInput` at a time (HTTP requests may overtake each other), with
 * whatever was typed meanwhile sent together next.
 */
function inputQueue(send: (data: string) => Promise<unknown>): (data: string) => void {
  let pending = '';
  let sending = false;
  const flush = async () => {
    sending = true;
    while (pending) {
      const data = pending;
      pending = '';
      // A key typed as the process exits has nowhere to go: nothing to report.
      await send(data).catch(() => {});
    }
    sending = false;
  };
  return (data) => {
    pending += data;
    if (!sending) void flush();
  };
}

function messageOf(errors: readonly { message: string }[] | undefined, fallback: string): string {
  return errors?.[0]?.message ?? fallback;
}

/** An xterm.js terminal in `box`, fitted to it and to the window; null until it is mounted. */
function useTerminal(box: RefObject<HTMLDivElement>): Terminal | null {
  const [term, setTerm] = useState<Terminal | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const created = new Terminal({ cursorBlink: true, fontSize: 13, rows: 20 });
    const fit = new FitAddon();
    created.loadAddon(fit);
    created.open(element);
    fit.fit();
    const onWindowResize = () => fit.fit();
    window.addEventListener('resize', onWindowResize);
    setTerm(created);
    return () => {
      window.removeEventListener('resize', onWindowResize);
      created.dispose();
    };
  }, [box]);
  return term;
}

/**
 * One terminal and the shells run in it: a TTY exec each, closed when its process exits. A shell
 * whose connection dropped is over (Wharf ends the exec with it); the next one starts below its
 * output.
 */
function Session(props: { api: Api; container: string; user: string | null }) {
  const box = useRef<HTMLDivElement>(null);
  const term = useTerminal(box);
  const [round, setRound] = useState(0);
  const [status, setStatus] = useState<Status>({ name: 'starting' });
  useEffect(() => {
    if (!term) return;
    const { api } = props;
    if (round > 0) term.write('\r\n\x1b[2m── new session ──\x1b[0m\r\n');
    term.options.disableStdin = false;
    term.options.cursorBlink = true;
    term.focus();
    setStatus({ name: 'starting' });
    let closed = false;
    let over = false;
    let detach = () => {};
    const disposers: (() => void)[] = [];
    const finish = (next: Status) => {
      if (over || closed) return;
      over = true;
      term.options.disableStdin = true;
      term.options.cursorBlink = false;
      setStatus(next);
    };
    const start = async () => {
      const created = await api.request(CREATE, {
        input: {
          container: props.container,
          cmd: ['sh'],
          tty: true,
          stdin: true,
          ...(props.user && { user: props.user }),
        },
      });
      const exec = created.data?.execCreate;
      if (closed) return;
      if (!exec) {
        finish({ name: 'failed', message: messageOf(created.errors, 'exec failed') });
        return;
      }
      const ids = { execId: exec.execId, engine: exec.engine };
      const send = inputQueue((data) => api.request(INPUT, { ...ids, data }));
      let sized = false;
      const resize = () => {
        if (sized)
          api.request(RESIZE, { ...ids, rows: term.rows, cols: term.cols }).catch(() => {});
      };
      const onData = term.onData(send);
      const onResize = term.onResize(resize);
      disposers.push(
        () => onData.dispose(),
        () => onResize.dispose(),
      );
      // Not api.stream: an exec ends with its process, it is never asked again.
      detach = api.ws.subscribe<ExecAttachSubscription>(
        { query: ATTACH.toString(), variables: ids satisfies ExecAttachSubscriptionVariables },
        {
          next: (result) => {
            const event = result.data?.execAttach;
            if (event?.__typename === 'ExecOutput') {
              // The TTY exists once the process has started: size it to the page then.
              if (!sized) {
                sized = true;
                setStatus({ name: 'running' });
                resize();
              }
              term.write(event.text);
            } else if (event?.__typename === 'ExecExit') {
              finish({ name: 'exited', exitCode: event.exitCode });
            } else if (result.errors?.length) {
              finish({ name: 'failed', message: messageOf(result.errors, 'attach failed') });
            }
          },
          error: (error) => {
            const errors = Array.isArray(error) ? (error as GraphQLError[]) : undefined;
            finish({ name: 'failed', message: messageOf(errors, 'connection lost') });
          },
          complete: () => {},
        },
      );
      // The socket closed: Wharf has ended the exec, so the client must not subscribe it again.
      disposers.push(
        api.onState((state) => {
          if (state === 'connected') return;
          detach();
          finish({ name: 'ended', message: 'connection lost' });
        }),
      );
    };
    start().catch((error: unknown) => finish({ name: 'failed', message: String(error) }));
    return () => {
      // Leaving the page detaches: Wharf closes the connection and the shell gets SIGHUP.
      closed = true;
      detach();
      for (const dispose of disposers) dispose();
    };
  }, [term, props.api, props.container, props.user, round]);
  return (
    <div class="terminal-session">
      <div class="terminal-head">
        <p class="terminal-status" role="status" data-status={status.name}>
          {status.name === 'starting' && 'starting…'}
          {status.name === 'running' &&
            (props.user ? `shell as user ${props.user}` : 'shell as the container’s user')}
          {status.name === 'exited' &&
            `process exited${status.exitCode === null ? '' : ` with exit code ${status.exitCode}`}`}
          {status.name === 'ended' && `session ended: ${status.message}`}
          {status.name === 'failed' && `failed: ${status.message}`}
        </p>
        {status.name === 'ended' && (
          <button type="button" onClick={() => setRound(round + 1)}>
            Start a new session
          </button>
        )}
      </div>
      <div ref={box} class="terminal-box" data-testid="terminal" />
    </div>
  );
}

/**
 * A shell in a running container, for tokens the API allows EXEC. Below admin the shell runs as
 * user 1000: the API refuses root exec to them (rule exec.user-root).
 */
export function TerminalPanel(props: { api: Api; container: string; admin: boolean }) {
  const [session, setSession] = useState(0);
  return (
    <section class="terminal" aria-label="Terminal">
      <h2>
        Terminal{' '}
        <button type="button" onClick={() => setSession(session + 1)}>
          {session ? 'New session' : 'Open terminal'}
        </button>
      </h2>
      {session > 0 && (
        <Session
          key={session}
          api={props.api}
          container={props.container}
          user={props.admin ? null : '1000'}
        />
      )}
    </section>
  );
}
