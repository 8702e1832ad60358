import { graphql } from '../__generated__/gql.ts';
import type { VolumesQuery } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';
import { bytes } from '../format.ts';
import { useLive, useQuery } from '../live.ts';
import { ContainerLinks } from './container-links.tsx';
import { type Column, ENGINE_COLUMN, ResourceList } from './resource-table.tsx';

const VOLUMES = graphql(`query Volumes @live {
  volumes(first: 100) {
    totalCount
    edges { node { id engine name driver usedBy { ...ContainerLink } } }
  }
}`);

/** Sizes come from the engine's disk usage walk: asked once, not on every change. */
const SIZES = graphql(`query VolumeSizes {
  volumes(first: 100) { edges { node { id size } } }
}`);

type VolumeRow = VolumesQuery['volumes']['edges'][number]['node'];

/** The columns, given the sizes measured so far (undefined until the first walk answers). */
function columns(sizes: Map<string, number | null> | undefined): Column<VolumeRow>[] {
  return [
    { title: 'Name', class: 'name', cell: (volume) => volume.name },
    ENGINE_COLUMN,
    { title: 'Driver', cell: (volume) => volume.driver },
    {
      title: 'Size',
      class: 'number',
      cell: (volume) => (sizes ? bytes(sizes.get(volume.id)) : '…'),
    },
    { title: 'Used by', cell: (volume) => <ContainerLinks containers={volume.usedBy} /> },
  ];
}

/** Volumes and the containers that mount each (live), with sizes on request. */
export function VolumesView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, VOLUMES);
  const sizes = useQuery(props.api, SIZES);
  const sizeOf = new Map(sizes.data?.volumes.edges.map((edge) => [edge.node.id, edge.node.size]));
  const volumes = data?.volumes.edges.map((edge) => edge.node) ?? [];
  const unused = volumes.filter((volume) => volume.usedBy.length === 0);
  const reclaim = unused.reduce((n, volume) => n + (sizeOf.get(volume.id) ?? 0), 0);
  return (
    <ResourceList
      title="Volumes"
      total={data?.volumes.totalCount}
      rows={volumes}
      errors={[...errors, ...sizes.errors]}
      columns={columns(sizes.data && sizeOf)}
      rowData={(volume) => ({ 'data-volume': volume.name })}
    >
      <p class="prune-summary" data-testid="prune-summary">
        <code>volumesPrune</code> would remove {unused.length} volume
        {unused.length === 1 ? '' : 's'} no container uses
        {sizes.data && `, ${bytes(reclaim)}`}.{' '}
        <button type="button" onClick={sizes.reload} disabled={sizes.loading}>
          {sizes.loading ? 'Measuring…' : 'Measure again'}
        </button>
      </p>
    </ResourceList>
  );
}
