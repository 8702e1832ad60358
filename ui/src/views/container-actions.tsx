import { useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { ContainerRowFragment, ContainerState } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';

type Actionable = Pick<ContainerRowFragment, 'id' | 'name' | 'state' | 'allowedActions'>;

const MUTATIONS = {
  START: graphql(`mutation Start($ref: String!) { containerStart(ref: $ref) { changed } }`),
  STOP: graphql(`mutation Stop($ref: String!) { containerStop(ref: $ref) { changed } }`),
  RESTART: graphql(`mutation Restart($ref: String!) { containerRestart(ref: $ref) { changed } }`),
  REMOVE: graphql(
    `mutation Remove($ref: String!) { containerRemove(ref: $ref, force: true) { id } }`,
  ),
};

type Action = keyof typeof MUTATIONS;

/** Which buttons a state offers; the API's `allowedActions` decides whether the token may. */
const OFFERED: Record<Action, (state: ContainerState) => boolean> = {
  START: (state) => state === 'EXITED' || state === 'CREATED' || state === 'DEAD',
  STOP: (state) => state === 'RUNNING' || state === 'RESTARTING',
  RESTART: (state) => state === 'RUNNING' || state === 'EXITED',
  REMOVE: () => true,
};

/** Destructive ones ask first. */
const CONFIRM = new Set<Action>(['STOP', 'REMOVE']);

export function ContainerActions(props: { api: Api; row: Actionable }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { row } = props;
  const actions = (Object.keys(OFFERED) as Action[]).filter(
    (action) => row.allowedActions.includes(action) && OFFERED[action](row.state),
  );
  if (actions.length === 0) return null;
  const run = async (action: Action) => {
    if (CONFIRM.has(action) && !confirm(`${action.toLowerCase()} ${row.name}?`)) return;
    setBusy(action);
    setError(null);
    // Any of the four: only errors are read here (the live table shows what changed).
    const result = await props.api.request<unknown, { ref: string }>(MUTATIONS[action], {
      ref: row.id,
    });
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
