import { graphql } from '../__generated__/gql.ts';
import type { ContainerLinkFragment } from '../__generated__/graphql.ts';
import type { GraphQLError } from '../api.ts';
import { containerHref } from '../route.ts';

/** What a link to a container needs; the images, networks and volumes screens select it. */
graphql(`fragment ContainerLink on Container { id name state }`);

/** Links shown before "and N more": an image under 1,000 containers stays one readable row. */
const SHOWN = 12;

/** The containers using an object, each a link to its page; "none" says it is unused. */
export function ContainerLinks(props: { containers: ContainerLinkFragment[] }) {
  if (props.containers.length === 0) return <span class="muted">none</span>;
  const more = props.containers.length - SHOWN;
  return (
    <ul class="inline">
      {props.containers.slice(0, SHOWN).map((container) => (
        <li key={container.id}>
          <a
            href={containerHref(container.id)}
            class="container-link"
            title={container.state.toLowerCase()}
          >
            {container.name}
          </a>
        </li>
      ))}
      {more > 0 && <li class="muted">and {more} more</li>}
    </ul>
  );
}

/** Errors of a list beside its items (an engine down fails only its own part). */
export function Problems(props: { errors: GraphQLError[] }) {
  return (
    <>
      {props.errors.map((error) => (
        <p class="warning" role="alert" key={error.message}>
          {error.message}
        </p>
      ))}
    </>
  );
}
