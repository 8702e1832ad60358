import { graphql } from '../__generated__/gql.ts';
import type { ImagesQuery } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';
import { ago, bytes } from '../format.ts';
import { useLive } from '../live.ts';
import { ContainerLinks, Problems } from './container-links.tsx';

const IMAGES = graphql(`query Images @live {
  images(first: 100) {
    totalCount
    edges { node { id engine shortId tags size createdAt containers { ...ContainerLink } } }
  }
}`);

type ImageRow = ImagesQuery['images']['edges'][number]['node'];

/** What `imagesPrune` would do with an image: `dangling: true` takes untagged unused ones only. */
function pruneOf(image: ImageRow): 'in use' | 'dangling' | 'unused' {
  if (image.containers.length > 0) return 'in use';
  return image.tags.length === 0 ? 'dangling' : 'unused';
}

function sum(images: ImageRow[]): string {
  return `${images.length} image${images.length === 1 ? '' : 's'}, ${bytes(images.reduce((n, i) => n + i.size, 0))}`;
}

/** Images, the containers created from each, and what a prune would take (live). */
export function ImagesView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, IMAGES);
  const images = data?.images.edges.map((edge) => edge.node) ?? [];
  const dangling = images.filter((image) => pruneOf(image) === 'dangling');
  const unused = images.filter((image) => pruneOf(image) !== 'in use');
  const engines = new Set(images.map((image) => image.engine));
  return (
    <section aria-labelledby="images-title">
      <h1 id="images-title">
        Images{' '}
        <span class="count" data-testid="count">
          {data ? data.images.totalCount : ''}
        </span>
      </h1>
      <Problems errors={errors} />
      {!data ? (
        <p class="loading">Loading…</p>
      ) : (
        <>
          <p class="prune-summary" data-testid="prune-summary">
            <code>imagesPrune</code> would remove {sum(dangling)} (untagged, unused); with{' '}
            <code>dangling: false</code>, {sum(unused)}. Shared layers are counted in each image
            here, once in Disk usage.
          </p>
          {data.images.totalCount > images.length && (
            <p class="muted">
              The newest {images.length} of {data.images.totalCount}.
            </p>
          )}
          <table class="list" aria-label="Images">
            <thead>
              <tr>
                <th scope="col">Tags</th>
                <th scope="col">ID</th>
                {engines.size > 1 && <th scope="col">Engine</th>}
                <th scope="col">Size</th>
                <th scope="col">Created</th>
                <th scope="col">Used by</th>
                <th scope="col">Prune</th>
              </tr>
            </thead>
            <tbody>
              {images.map((image) => (
                <tr key={image.id} data-image={image.shortId} data-prune={pruneOf(image)}>
                  <td>
                    {image.tags.length ? (
                      image.tags.join(', ')
                    ) : (
                      <span class="muted">&lt;none&gt;</span>
                    )}
                  </td>
                  <td>
                    <code>{image.shortId}</code>
                  </td>
                  {engines.size > 1 && <td>{image.engine}</td>}
                  <td class="number">{bytes(image.size)}</td>
                  <td title={image.createdAt}>{ago(image.createdAt)}</td>
                  <td>
                    <ContainerLinks containers={image.containers} />
                  </td>
                  <td>{pruneOf(image)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
