import { graphql } from '../__generated__/gql.ts';
import type { ImagesQuery } from '../__generated__/graphql.ts';
import type { Api } from '../api.ts';
import { ago, bytes } from '../format.ts';
import { useLive } from '../live.ts';
import { ContainerLinks } from './container-links.tsx';
import { type Column, ENGINE_COLUMN, ResourceList } from './resource-table.tsx';

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

const COLUMNS: Column<ImageRow>[] = [
  {
    title: 'Tags',
    cell: (image) =>
      image.tags.length ? image.tags.join(', ') : <span class="muted">&lt;none&gt;</span>,
  },
  { title: 'ID', cell: (image) => <code>{image.shortId}</code> },
  ENGINE_COLUMN,
  { title: 'Size', class: 'number', cell: (image) => bytes(image.size) },
  { title: 'Created', hint: (image) => image.createdAt, cell: (image) => ago(image.createdAt) },
  { title: 'Used by', cell: (image) => <ContainerLinks containers={image.containers} /> },
  { title: 'Prune', cell: pruneOf },
];

/** Images, the containers created from each, and what a prune would take (live). */
export function ImagesView(props: { api: Api }) {
  const { data, errors } = useLive(props.api, IMAGES);
  const images = data?.images.edges.map((edge) => edge.node) ?? [];
  const dangling = images.filter((image) => pruneOf(image) === 'dangling');
  const unused = images.filter((image) => pruneOf(image) !== 'in use');
  const total = data?.images.totalCount;
  return (
    <ResourceList
      title="Images"
      total={total}
      rows={images}
      errors={errors}
      columns={COLUMNS}
      rowData={(image) => ({ 'data-image': image.shortId, 'data-prune': pruneOf(image) })}
    >
      <p class="prune-summary" data-testid="prune-summary">
        <code>imagesPrune</code> would remove {sum(dangling)} (untagged, unused); with{' '}
        <code>dangling: false</code>, {sum(unused)}. Shared layers are counted in each image here,
        once in Disk usage.
      </p>
      {total !== undefined && total > images.length && (
        <p class="muted">
          The newest {images.length} of {total}.
        </p>
      )}
    </ResourceList>
  );
}
