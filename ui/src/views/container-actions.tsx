import { useState } from 'preact/hooks';
import type { Api } from '../api.ts';

interface Actionable {
  id: string;
  name: string;
  state: string;
  allowedActions: string[];
}

/** Which buttons a state offers; the API's `allowedActions` decides whether the token may. */
const OFFERED: Record<string, (state: string) => boolean> = {
  START: (state) => state === 'EXITED' || state === 'CREATED' || state === 'DEAD',
  STOP: (state) => state === 'RUNNING' || state === 'RESTARTING',
  RESTART: (state) => state === 'RUNNING' || state === 'EXITED',
  REMOVE: () => true,
};

const MUTATIONS: Record<string, string> = {
  START: 'mutation Start($ref: String!) { containerStart(ref: $ref) { changed } }',
  STOP: 'mutation Stop($ref: String!) { containerStop(ref: $ref) { changed } }',
  RESTART: 'mutation Restart($ref: String!) { containerRestart(ref: $ref) { changed } }',
  REMOVE: 'mutation Remove($ref: String!) { containerRemove(ref: $ref, force: true) { id } }',
};

/** Destructive ones ask first. */
const CONFIRM = new Set(['STOP', 'REMOVE']);

export function ContainerActions(props: { api: Api; row: Actionable }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { row } = props;
  const actions = Object.keys(OFFERED).filter(
    (action) => row.allowedActions.includes(action) && OFFERED[action]?.(row.state),
  );
  if (actions.length === 0) return null;
  const run = async (action: string) => {
    if (CONFIRM.has(action) && !confirm(`${action.toLowerCase()} ${row.name}?`)) return;
    setBusy(action);
    setError(null);
    const result = await props.api.request(MUTATIONS[action] ?? '', { ref: row.id });
    setBusy(null);
    if (result.errors?.length) setError(result.errors[0]?.message ?? 'failed');
  };
  return (
    <span class="actions">
      {actions.map((action) => (
        <button
          type="button"
          key={action}
          disabled={busy !== null}
          data-action={action}
          aria-label={`${action.toLowerCase()} ${row.name}`}
          onClick={() => void run(action)}
        >
          {action.toLowerCase()}
        </button>
      ))}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
