import { useEffect, useRef, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { LogsSubscription } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';

const LOGS = graphql(`subscription Logs($id: String!) {
  containerLogs(ref: $id, tail: 200, follow: true) {
    __typename
    ... on LogLines { lines { stream text cursor } }
    ... on LogEnd { reason exitCode }
  }
}`);

type Line = Extract<LogsSubscription['containerLogs'], { __typename: 'LogLines' }>['lines'][number];

/** The most lines kept in the page: older ones scroll away. */
const KEEP = 2_000;

/** Live logs, stdout and stderr told apart, with a search box and follow/pause. */
export function LogsPanel(props: { api: Api; id: string }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [end, setEnd] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLPreElement>(null);
  useEffect(
    () =>
      props.api.stream(LOGS, { id: props.id }, (result) => {
        const event = result.data?.containerLogs;
        if (event?.__typename === 'LogLines') {
          setLines((old) => [...old, ...event.lines].slice(-KEEP));
        } else if (event?.__typename === 'LogEnd') {
          setEnd(
            `${event.reason.toLowerCase()}${event.exitCode === null ? '' : ` (exit code ${event.exitCode})`}`,
          );
        }
      }),
    [props.api, props.id],
  );
  useEffect(() => {
    if (!pausedRef.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  const shown = search ? lines.filter((line) => line.text.includes(search)) : lines;
  return (
    <section class="logs" aria-label="Logs">
      <h2>Logs</h2>
      <div class="log-tools">
        <label>
          Search{' '}
          <input value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Follow' : 'Pause'}
        </button>
        {end && <span class="log-end">ended: {end}</span>}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must be reachable from the keyboard */}
      <pre ref={box} class="log-lines" tabIndex={0} role="log" aria-label="Log lines">
        {shown.map((line, index) => (
          <div
            key={line.cursor ?? index}
            class={line.stream === 'STDERR' ? 'stderr' : 'stdout'}
            data-stream={line.stream}
          >
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
