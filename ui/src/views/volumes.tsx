import { graphql } from '../__generated__/gql.ts';
import type { Api } from '../api.ts';
import { bytes } from '../format.ts';
import { useLive, useQuery } from '../live.ts';
import { ContainerLinks, Problems } from './container-links.tsx';

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

/** Volumes and the containers that mount each (live), with sizes on request. */
export function VolumesView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, VOLUMES);
  const sizes = useQuery(props.api, SIZES);
  const sizeOf = new Map(sizes.data?.volumes.edges.map((edge) => [edge.node.id, edge.node.size]));
  const volumes = data?.volumes.edges.map((edge) => edge.node) ?? [];
  const unused = volumes.filter((volume) => volume.usedBy.length === 0);
  const reclaim = unused.reduce((n, volume) => n + (sizeOf.get(volume.id) ?? 0), 0);
  const engines = new Set(volumes.map((volume) => volume.engine));
  return (
    <section aria-labelledby="volumes-title">
      <h1 id="volumes-title">
        Volumes{' '}
        <span class="count" data-testid="count">
          {data ? data.volumes.totalCount : ''}
        </span>
      </h1>
      <Problems errors={[...errors, ...sizes.errors]} />
      {!data ? (
        <p class="loading">Loading…</p>
      ) : (
        <>
          <p class="prune-summary" data-testid="prune-summary">
            <code>volumesPrune</code> would remove {unused.length} volume
            {unused.length === 1 ? '' : 's'} no container uses
            {sizes.data && `, ${bytes(reclaim)}`}.{' '}
            <button type="button" onClick={sizes.reload} disabled={sizes.loading}>
              {sizes.loading ? 'Measuring…' : 'Measure again'}
            </button>
          </p>
          <table class="list" aria-label="Volumes">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {engines.size > 1 && <th scope="col">Engine</th>}
                <th scope="col">Driver</th>
                <th scope="col">Size</th>
                <th scope="col">Used by</th>
              </tr>
            </thead>
            <tbody>
              {volumes.map((volume) => (
                <tr key={volume.id} data-volume={volume.name}>
                  <td class="name">{volume.name}</td>
                  {engines.size > 1 && <td>{volume.engine}</td>}
                  <td>{volume.driver}</td>
                  <td class="number">{sizes.data ? bytes(sizeOf.get(volume.id)) : '…'}</td>
                  <td>
                    <ContainerLinks containers={volume.usedBy} />
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
