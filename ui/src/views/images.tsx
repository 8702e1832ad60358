import type { Api } from '../api.ts';

/** Placeholder: built next. */
export function ImagesView(_props: { api: Api }) {
  return <p class="loading">Not built yet.</p>;
}
