import { memo } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { EventsSubscription } from '../__generated__/graphql.ts';
import type { Api, GraphQLError } from '../api.ts';
import { Choice, TextFilter } from './filter-fields.tsx';

const EVENTS = graphql(`subscription Events($after: String) {
  events(after: $after) {
    __typename
    ... on EngineEvent { type action actorId actorName engine time timeNano exitCode cursor }
    ... on EventGap { from to reason engine }
  }
}`);

type Item = EventsSubscription['events'] & { seq: number };

/** The timeline keeps the newest this many items: a busy engine must not grow the page forever. */
const KEEP = 500;

const TYPES = ['CONTAINER', 'IMAGE', 'NETWORK', 'VOLUME', 'DAEMON', 'PLUGIN', 'SERVICE', 'NODE'];

const clock = (iso: string) => new Date(iso).toLocaleTimeString();

/**
 * Every event as it arrives, resumed from the last one's cursor when the socket comes back (the
 * server replays what was missed, or says it cannot with a gap).
 */
function useEvents(api: Api) {
  const [items, setItems] = useState<Item[]>([]);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  useEffect(() => {
    let seq = 0;
    let after: string | null = null;
    let stop: (() => void) | undefined;
    const start = () => {
      stop?.();
      stop = api.stream(
        EVENTS,
        { after },
        (result) => {
          const item = result.data?.events;
          if (!item) return setErrors(result.errors ?? []);
          if (item.__typename === 'EngineEvent') after = item.cursor;
          seq += 1;
          const next = { ...item, seq };
          setItems((old) => [next, ...old.slice(0, KEEP - 1)]);
        },
        (ended) => ended && setErrors(ended),
      );
    };
    start();
    // A socket that drops loses what was sent meanwhile: subscribe again from the last cursor.
    let lost = false;
    const off = api.onState((state) => {
      if (state === 'reconnecting' && !lost) {
        lost = true;
        stop?.();
      }
      if (state === 'connected' && lost) {
        lost = false;
        start();
      }
    });
    return () => {
      off();
      stop?.();
    };
  }, [api]);
  return { items, errors };
}

const Row = memo(function Row(props: { item: Item }) {
  const { item } = props;
  if (item.__typename === 'EventGap') {
    return (
      <li class="gap" data-kind="gap" data-engine={item.engine} data-reason={item.reason}>
        <strong>Gap</strong> on {item.engine}: events from{' '}
        {item.from ? clock(item.from) : 'the start'} to {clock(item.to)} may be missing (
        {item.reason.toLowerCase().replace('_', ' ')})
      </li>
    );
  }
  return (
    <li data-kind="event" data-engine={item.engine} data-type={item.type} data-action={item.action}>
      <time dateTime={item.time}>{clock(item.time)}</time>
      <span class="chip">{item.engine}</span>
      <span class="chip">{item.type.toLowerCase()}</span>
      <strong>{item.action}</strong> <span>{item.actorName ?? item.actorId.slice(0, 12)}</span>
      {item.exitCode !== null && <span> (exit {item.exitCode})</span>}
    </li>
  );
});

/** The events timeline: newest first, filtered here; gaps are shown whatever the filters. */
export function EventsView(props: { api: Api }) {
  const { items, errors } = useEvents(props.api);
  const [type, setType] = useState('');
  const [action, setAction] = useState('');
  const [engine, setEngine] = useState('');
  const engines = useMemo(() => [...new Set(items.map((item) => item.engine))].sort(), [items]);
  const shown = items.filter(
    (item) =>
      item.__typename === 'EventGap' ||
      ((!type || item.type === type) &&
        (!action || item.action.includes(action)) &&
        (!engine || item.engine === engine)),
  );
  return (
    <section aria-label="Events">
      <h1>
        Events <span class="count">{shown.length}</span>
      </h1>
      {errors.map((error) => (
        <p class="warning" role="alert" key={error.message}>
          {error.message}
        </p>
      ))}
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <Choice label="Type" value={type} options={TYPES} onChange={setType} />
        <TextFilter label="Action" value={action} onChange={setAction} />
        <Choice label="Engine" value={engine} options={engines} onChange={setEngine} any="all" />
      </form>
      {shown.length === 0 ? (
        <p class="loading">Waiting for events…</p>
      ) : (
        <ol class="timeline" aria-label="Timeline">
          {shown.map((item) => (
            <Row key={item.seq} item={item} />
          ))}
        </ol>
      )}
    </section>
  );
}
