import { useEffect, useState } from 'preact/hooks';
import type { Api, GraphQLError } from '../api.ts';

interface EngineRow {
  name: string;
  version: string | null;
  apiVersion: string | null;
}

const ENGINES = 'query Engines { engines { name version apiVersion } }';

/** Each engine's version, and an engine that cannot be reached shown as such. */
export function EnginesPanel(props: { api: Api }) {
  const [engines, setEngines] = useState<EngineRow[]>([]);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  useEffect(() => {
    props.api.request<{ engines: EngineRow[] }>(ENGINES).then((result) => {
      setEngines(result.data?.engines ?? []);
      setErrors(result.errors ?? []);
    });
  }, [props.api]);
  return (
    <section class="engines" aria-label="Engines">
      {engines.map((engine, index) => {
        const down = errors.find((error) => error.path?.[1] === index);
        return (
          <span
            class={`engine ${down ? 'down' : 'up'}`}
            key={engine.name}
            data-engine={engine.name}
          >
            <strong>{engine.name}</strong>{' '}
            {down ? 'unavailable' : `Docker ${engine.version} · API ${engine.apiVersion}`}
          </span>
        );
      })}
    </section>
  );
}
