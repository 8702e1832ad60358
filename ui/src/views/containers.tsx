import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { ContainerRowFragment, ContainersQuery } from '../__generated__/graphql.ts';
import type { Api, GraphQLError } from '../api.ts';
import { containerHref } from '../route.ts';
import { ContainerActions } from './container-actions.tsx';
import { Choice, TextFilter } from './filter-fields.tsx';

/** What a row of the table shows; the container's page asks the same and more. */
graphql(`fragment ContainerRow on Container {
  id engine name state status createdAt startedAt imageRef
  health { status }
  image { tags }
  ports { ip privatePort publicPort protocol }
  networks { networkName }
  labels { key value }
  allowedActions
}`);

type ContainerRow = ContainerRowFragment;

/**
 * Every container the token sees, kept current by `@live` (JSON Patch updates, no polling). A
 * page holds at most 100; further pages are live queries of their own.
 */
const CONTAINERS = graphql(`query Containers($after: String) @live {
  containers(all: true, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ...ContainerRow } }
  }
}`);

type Page = ContainersQuery['containers'];

/**
 * The pages of the list, each a live query; each page follows the one before from where it ends
 * now: a container appearing or going above moves that end, and only the next page is asked
 * again (so 1,000 rows cost 10 query runs, and no row falls between two pages).
 */
function useLiveContainers(api: Api) {
  const [pages, setPages] = useState<(Page | undefined)[]>([]);
  const [pageErrors, setPageErrors] = useState<GraphQLError[][]>([]);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const streams = useRef<{ cursor: string | null; stop: () => void }[]>([]);
  useEffect(
    () => () => {
      for (const stream of streams.current) stream.stop();
      streams.current = [];
    },
    [api],
  );
  useEffect(() => {
    for (const gone of streams.current.splice(cursors.length)) gone.stop();
    cursors.forEach((cursor, index) => {
      const current = streams.current[index];
      if (current?.cursor === cursor) return;
      current?.stop();
      const at = <T,>(list: T[], value: T) => {
        const next = [...list];
        next[index] = value;
        return next;
      };
      const stop = api.stream(
        CONTAINERS,
        { after: cursor },
        (result) => {
          setPageErrors((old) => at(old, result.errors ?? []));
          const page = result.data?.containers;
          if (!page) return;
          setPages((old) => at(old, page));
          const end = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
          setCursors((old) => {
            const kept = old.slice(0, index + 1);
            if (end === null) return old.length === kept.length ? old : kept;
            if (old[index + 1] === end) return old;
            return [...kept, end, ...old.slice(index + 2)];
          });
        },
        (ended) => ended && setPageErrors((old) => at(old, ended)),
      );
      streams.current[index] = { cursor, stop };
    });
  }, [api, cursors]);
  const rows = useMemo(
    () => pages.slice(0, cursors.length).flatMap((page) => page?.edges.map((e) => e.node) ?? []),
    [pages, cursors.length],
  );
  const errors = useMemo(() => {
    const seen = new Map<string, GraphQLError>();
    for (const error of pageErrors.slice(0, cursors.length).flat()) seen.set(error.message, error);
    return [...seen.values()];
  }, [pageErrors, cursors.length]);
  return { rows, loaded: pages[0] !== undefined, errors };
}

const STATES = ['RUNNING', 'EXITED', 'CREATED', 'PAUSED', 'RESTARTING', 'DEAD'];

type SortKey = 'name' | 'state' | 'image' | 'created';

const ROW_HEIGHT = 36;
const OVERSCAN = 10;

export const PROJECT_LABEL = 'com.docker.compose.project';

function uptime(row: ContainerRow, now: number): string {
  if (row.state !== 'RUNNING' || !row.startedAt) return '';
  const seconds = Math.max(0, Math.floor((now - Date.parse(row.startedAt)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const Row = memo(function Row(props: { row: ContainerRow; api: Api; now: number }) {
  const { row } = props;
  return (
    <tr
      data-name={row.name}
      data-state={row.state}
      data-started={row.startedAt ?? undefined}
      style={{ height: `${ROW_HEIGHT}px` }}
    >
      <td>
        <a href={containerHref(row.id)}>{row.name}</a>
      </td>
      <td>
        <span class={`state ${row.state.toLowerCase()}`}>{row.state.toLowerCase()}</span>
        {row.health && (
          <span class={`health ${row.health.status.toLowerCase()}`}>
            {' '}
            {row.health.status.toLowerCase()}
          </span>
        )}
      </td>
      <td class="image">{row.image?.tags[0] ?? row.imageRef}</td>
      <td>
        {row.ports
          .filter((port) => port.publicPort)
          .map((port) => (
            <a
              key={`${port.publicPort}/${port.protocol}`}
              href={`http://${location.hostname}:${port.publicPort}/`}
              rel="noopener noreferrer"
              target="_blank"
            >
              {port.publicPort}→{port.privatePort}/{port.protocol}{' '}
            </a>
          ))}
      </td>
      <td>{row.networks.map((network) => network.networkName).join(', ')}</td>
      <td>{uptime(row, props.now)}</td>
      <td class="labels">
        {row.labels.slice(0, 3).map((label) => (
          <span class="chip" key={label.key} title={`${label.key}=${label.value}`}>
            {label.key.split('.').at(-1)}={label.value}
          </span>
        ))}
        {row.labels.length > 3 && <span class="chip more">+{row.labels.length - 3}</span>}
      </td>
      <td>
        <ContainerActions api={props.api} row={row} />
      </td>
    </tr>
  );
});

export function ContainersView(props: { api: Api }) {
  const { rows, loaded, errors } = useLiveContainers(props.api);
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const [engine, setEngine] = useState('');
  const [label, setLabel] = useState('');
  const [project, setProject] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; up: boolean }>({ key: 'created', up: false });
  const [scrollTop, setScrollTop] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const engines = useMemo(() => [...new Set(rows.map((row) => row.engine))].sort(), [rows]);
  const projects = useMemo(
    () =>
      [
        ...new Set(
          rows.flatMap((row) =>
            row.labels.filter((l) => l.key === PROJECT_LABEL).map((l) => l.value),
          ),
        ),
      ].sort(),
    [rows],
  );
  const shown = useMemo(() => {
    const [labelKey, labelValue] = label.split('=');
    const filtered = rows.filter(
      (row) =>
        (!text || row.name.includes(text)) &&
        (!state || row.state === state) &&
        (!engine || row.engine === engine) &&
        (!project || row.labels.some((l) => l.key === PROJECT_LABEL && l.value === project)) &&
        (!labelKey ||
          row.labels.some(
            (l) => l.key === labelKey && (labelValue === undefined || l.value === labelValue),
          )),
    );
    const value = (row: ContainerRow): string =>
      sort.key === 'name'
        ? row.name
        : sort.key === 'state'
          ? row.state
          : sort.key === 'image'
            ? (row.image?.tags[0] ?? row.imageRef)
            : row.createdAt;
    return filtered.sort((a, b) => {
      const order = value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0;
      return sort.up ? order : -order;
    });
  }, [rows, text, state, engine, label, project, sort]);

  const viewport = 600;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const header = (key: SortKey, title: string) => (
    <th aria-sort={sort.key === key ? (sort.up ? 'ascending' : 'descending') : undefined}>
      <button
        type="button"
        onClick={() => setSort({ key, up: sort.key === key ? !sort.up : true })}
      >
        {title}
      </button>
    </th>
  );
  const down = errors.filter((error) => error.extensions?.code === 'ENGINE_UNAVAILABLE');
  return (
    <section aria-label="Containers">
      <h1>
        Containers{' '}
        <span class="count" data-testid="count">
          {shown.length}
        </span>
      </h1>
      {down.map((error) => (
        <p class="warning" role="alert" key={error.message}>
          {error.message}
        </p>
      ))}
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <TextFilter label="Name" value={text} onChange={setText} />
        <Choice label="State" value={state} options={STATES} onChange={setState} />
        <Choice label="Engine" value={engine} options={engines} onChange={setEngine} any="all" />
        <Choice label="Project" value={project} options={projects} onChange={setProject} />
        <TextFilter label="Label" value={label} onChange={setLabel} placeholder="key=value" />
      </form>
      {!loaded ? (
        <p class="loading">Loading…</p>
      ) : (
        <div
          class="table-scroll"
          onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)}
        >
          <table class="containers">
            <thead>
              <tr>
                {header('name', 'Name')}
                {header('state', 'State')}
                {header('image', 'Image')}
                <th>Ports</th>
                <th>Networks</th>
                {header('created', 'Up')}
                <th>Labels</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {first > 0 && <tr class="spacer" style={{ height: `${first * ROW_HEIGHT}px` }} />}
              {shown.slice(first, last).map((row) => (
                <Row key={row.id} row={row} api={props.api} now={now} />
              ))}
              {last < shown.length && (
                <tr class="spacer" style={{ height: `${(shown.length - last) * ROW_HEIGHT}px` }} />
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
