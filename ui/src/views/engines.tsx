import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { EngineChipFragment } from '../__generated__/graphql.ts';
import type { Api, GraphQLError, Result } from '../api.ts';

graphql(`fragment EngineChip on Engine {
  name version apiVersion
  health { ready error events { state gaps lastEventAt } }
}`);

/**
 * `@live`: Wharf re-runs it when an engine's event stream is lost, comes back or reports a gap,
 * so an outage shows without polling. `health` answers for a down engine; `version` then fails
 * alone (ENGINE_UNAVAILABLE).
 */
const ENGINES = graphql(`query Engines @live { engines { ...EngineChip } }`);

/** What the live query does not push (the newest event's time, an engine hung but connected). */
const REFRESH = graphql(`query EnginesRefresh { engines { ...EngineChip } }`);
const REFRESH_MS = 10_000;

const EVENT_STATE = { IDLE: 'idle', CONNECTED: 'live', DISCONNECTED: 'reconnecting' } as const;

function lastEvent(iso: string | null): string {
  return iso ? `, last event ${new Date(iso).toLocaleTimeString()}` : ', no event yet';
}

/** One chip per engine: its versions, whether it answers, and its event stream's state. */
export function EnginesPanel(props: { api: Api }) {
  const { api } = props;
  const [engines, setEngines] = useState<EngineChipFragment[]>([]);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  useEffect(() => {
    const show = (result: Result<{ engines: EngineChipFragment[] }>) => {
      if (!result.data?.engines) return;
      setEngines(result.data.engines);
      setErrors(result.errors ?? []);
    };
    const stop = api.stream(ENGINES, {}, show, (ended) => ended && setErrors(ended));
    const timer = setInterval(() => {
      api.request(REFRESH).then(show, () => {});
    }, REFRESH_MS);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [api]);
  return (
    <section class="engines" aria-label="Engines">
      {engines.map((engine, index) => {
        const ready = engine.health.ready;
        const failed = errors.find((error) => error.path?.[1] === index);
        const hub = engine.health.events;
        return (
          <span
            class={`engine ${ready ? 'up' : 'down'}`}
            key={engine.name}
            data-engine={engine.name}
            data-ready={String(ready)}
            data-events={hub.state}
            title={engine.health.error ?? failed?.message ?? undefined}
          >
            <strong>{engine.name}</strong> {ready ? 'ready' : 'unavailable'}
            {engine.version && ` · Docker ${engine.version}`}
            {engine.apiVersion && ` · API ${engine.apiVersion}`}
            <span class={`hub ${hub.state.toLowerCase()}`}>
              {' '}
              · events {EVENT_STATE[hub.state]}
              {hub.gaps > 0 && `, ${hub.gaps} gap${hub.gaps === 1 ? '' : 's'}`}
              {lastEvent(hub.lastEventAt)}
            </span>
          </span>
        );
      })}
    </section>
  );
}
