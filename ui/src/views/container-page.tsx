import './container-page.css';
import { useEffect, useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { ContainerQuery } from '../__generated__/graphql.ts';
import type { Api, GraphQLError } from '../api.ts';
import type { Me } from '../app.tsx';
import { ContainerActions } from './container-actions.tsx';
import { LogsPanel } from './logs.tsx';
import { StatsPanel } from './stats.tsx';
import { TerminalPanel } from './terminal.tsx';

const CONTAINER = graphql(`query Container($id: String!) @live {
  container(ref: $id) {
    ...ContainerRow
    dockerId command env restartCount
    networks { ipv4Address }
    mounts { type source destination rw }
    hostConfig { restartPolicy { name maximumRetryCount } }
  }
}`);

/** Inspect-level details, live; env values read `***` below admin (the API redacts them). */
export function ContainerPage(props: { api: Api; id: string; me: Me }) {
  const [container, setContainer] = useState<ContainerQuery['container'] | undefined>(undefined);
  const [errors, setErrors] = useState<GraphQLError[]>([]);
  useEffect(
    () =>
      props.api.stream(
        CONTAINER,
        { id: props.id },
        (result) => {
          setErrors(result.errors ?? []);
          if (result.data) setContainer(result.data.container);
        },
        (ended) => ended && setErrors(ended),
      ),
    [props.api, props.id],
  );
  if (errors.length && !container) {
    return (
      <p class="error" role="alert">
        {errors[0]?.message}
      </p>
    );
  }
  if (container === undefined) return <p class="loading">Loading…</p>;
  if (container === null) return <p role="alert">This container no longer exists.</p>;
  const running = container.state === 'RUNNING';
  return (
    <article class="container-page" aria-label={`Container ${container.name}`}>
      <h1>
        {container.name}{' '}
        <span class={`state ${container.state.toLowerCase()}`}>
          {container.state.toLowerCase()}
        </span>
      </h1>
      <ContainerActions api={props.api} row={container} />
      <dl class="details">
        <dt>Engine</dt>
        <dd>{container.engine}</dd>
        <dt>Id</dt>
        <dd>{container.dockerId.slice(0, 12)}</dd>
        <dt>Image</dt>
        <dd>{container.image?.tags[0] ?? container.imageRef}</dd>
        <dt>Command</dt>
        <dd>
          <code>{container.command}</code>
        </dd>
        <dt>Status</dt>
        <dd>{container.status}</dd>
        <dt>Restart policy</dt>
        <dd>
          {container.hostConfig.restartPolicy?.name ?? 'no'} (restarted {container.restartCount}×)
        </dd>
        <dt>Networks</dt>
        <dd>
          {container.networks.map((n) => `${n.networkName} ${n.ipv4Address ?? ''}`).join(', ') ||
            'none'}
        </dd>
        <dt>Mounts</dt>
        <dd>
          <ul>
            {container.mounts.map((mount) => (
              <li key={mount.destination}>
                {mount.type.toLowerCase()} {mount.source ?? ''} → {mount.destination}{' '}
                {mount.rw ? '' : '(ro)'}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Environment</dt>
        <dd>
          <ul class="env">
            {container.env.map((line) => (
              <li key={line}>
                <code>{line}</code>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {running && (
        // Keyed by start: a restarted container gets a fresh stats stream.
        <StatsPanel key={container.startedAt} api={props.api} id={container.id} />
      )}
      {running && container.allowedActions.includes('EXEC') && (
        <TerminalPanel api={props.api} container={container.id} admin={props.me.role === 'admin'} />
      )}
      <LogsPanel api={props.api} id={container.id} />
    </article>
  );
}
