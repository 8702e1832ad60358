import { graphql } from '../__generated__/gql.ts';
import type { NetworksQuery } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';
import { useLive } from '../live.ts';
import { ContainerLinks } from './container-links.tsx';
import { type Column, ENGINE_COLUMN, ResourceList } from './resource-table.tsx';

const NETWORKS = graphql(`query Networks @live {
  networks(first: 100) {
    totalCount
    edges { node {
      id engine name driver scope internal
      containers { container { ...ContainerLink } }
    } }
  }
}`);

type NetworkRow = NetworksQuery['networks']['edges'][number]['node'];

/** The engine's own networks: `networksPrune` never removes them. */
const PREDEFINED = new Set(['bridge', 'host', 'none']);

const COLUMNS: Column<NetworkRow>[] = [
  {
    title: 'Name',
    cell: (network) => (
      <>
        {network.name}
        {network.internal && <span class="chip">internal</span>}
      </>
    ),
  },
  ENGINE_COLUMN,
  { title: 'Driver', cell: (network) => network.driver },
  { title: 'Scope', cell: (network) => network.scope },
  {
    title: 'Containers attached',
    cell: (network) => <ContainerLinks containers={network.containers.map((a) => a.container)} />,
  },
];

/** Networks and the containers attached to each (live). */
export function NetworksView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, NETWORKS);
  const networks = data?.networks.edges.map((edge) => edge.node) ?? [];
  const unused = networks.filter(
    (network) => network.containers.length === 0 && !PREDEFINED.has(network.name),
  );
  return (
    <ResourceList
      title="Networks"
      total={data?.networks.totalCount}
      rows={networks}
      errors={errors}
      columns={COLUMNS}
      rowData={(network) => ({ 'data-network': network.name })}
    >
      <p class="prune-summary" data-testid="prune-summary">
        <code>networksPrune</code> would remove {unused.length} network
        {unused.length === 1 ? '' : 's'} with no container
        {unused.length > 0 && `: ${unused.map((network) => network.name).join(', ')}`}.
      </p>
    </ResourceList>
  );
}
