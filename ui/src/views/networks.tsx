import { graphql } from '../__generated__/gql.ts';
import type { Api } from '../api.ts';
import { useLive } from '../live.ts';
import { ContainerLinks, Problems } from './container-links.tsx';

const NETWORKS = graphql(`query Networks @live {
  networks(first: 100) {
    totalCount
    edges { node {
      id engine name driver scope internal
      containers { container { ...ContainerLink } }
    } }
  }
}`);

/** The engine's own networks: `networksPrune` never removes them. */
const PREDEFINED = new Set(['bridge', 'host', 'none']);

/** Networks and the containers attached to each (live). */
export function NetworksView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, NETWORKS);
  const networks = data?.networks.edges.map((edge) => edge.node) ?? [];
  const unused = networks.filter(
    (network) => network.containers.length === 0 && !PREDEFINED.has(network.name),
  );
  const engines = new Set(networks.map((network) => network.engine));
  return (
    <section aria-labelledby="networks-title">
      <h1 id="networks-title">
        Networks{' '}
        <span class="count" data-testid="count">
          {data ? data.networks.totalCount : ''}
        </span>
      </h1>
      <Problems errors={errors} />
      {!data ? (
        <p class="loading">Loading…</p>
      ) : (
        <>
          <p class="prune-summary" data-testid="prune-summary">
            <code>networksPrune</code> would remove {unused.length} network
            {unused.length === 1 ? '' : 's'} with no container
            {unused.length > 0 && `: ${unused.map((network) => network.name).join(', ')}`}.
          </p>
          <table class="list" aria-label="Networks">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {engines.size > 1 && <th scope="col">Engine</th>}
                <th scope="col">Driver</th>
                <th scope="col">Scope</th>
                <th scope="col">Containers attached</th>
              </tr>
            </thead>
            <tbody>
              {networks.map((network) => (
                <tr key={network.id} data-network={network.name}>
                  <td>
                    {network.name}
                    {network.internal && <span class="chip">internal</span>}
                  </td>
                  {engines.size > 1 && <td>{network.engine}</td>}
                  <td>{network.driver}</td>
                  <td>{network.scope}</td>
                  <td>
                    <ContainerLinks containers={network.containers.map((a) => a.container)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
