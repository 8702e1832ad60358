import type { QueryValue } from '../transport.ts';
import type { ContainerSummary, ImageSummary, Labels, NetworkResource, Volume } from '../types.ts';
import type { CachedContainer, CachedImage, EngineState } from './engine-state.ts';
import { statusText } from './status-text.ts';

/** The cache cannot answer this read the way the engine would: ask the engine. */
export const MISS = Symbol('cache miss');
export type Answer = unknown | typeof MISS;

type Query = Record<string, QueryValue> | undefined;
type Filters = Record<string, readonly string[]>;
type Match<T> = (item: T) => boolean;

const CONTAINER_STATES = new Set([
  'created',
  'restarting',
  'running',
  'removing',
  'paused',
  'exited',
  'dead',
]);

/**
 * Answers `GET path?query` from the state as the engine would, or MISS. Only what the engine's
 * semantics are reproduced exactly for is answered here: any other filter or option is a MISS.
 */
export function answerFromState(state: EngineState, path: string, query: Query): Answer {
  const parts = path.split('/');
  const [, resource, ref, tail] = parts;
  if (query?.size) return MISS;
  switch (resource) {
    case 'containers':
      if (ref === 'json' && parts.length === 3) return containerList(state, query);
      if (ref && tail === 'json' && parts.length === 4)
        return findContainer(state, ref)?.inspect ?? MISS;
      return MISS;
    case 'images':
      if (ref === 'json' && parts.length === 3) return imageList(state, query);
      if (path.endsWith('/json')) return findImage(state, path.slice(8, -5))?.inspect ?? MISS;
      return MISS;
    case 'networks':
      if (parts.length === 2) return networkList(state, query);
      if (ref && parts.length === 3 && !query?.verbose && !query?.scope)
        return findNetwork(state, ref) ?? MISS;
      return MISS;
    case 'volumes':
      if (parts.length === 2) return volumeList(state, query);
      if (ref && parts.length === 3) return state.volumes.get(ref) ?? MISS;
      return MISS;
    default:
      return MISS;
  }
}

function parseFilters(query: Query): Filters | undefined {
  const raw = query?.filters;
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(String(raw)) as Record<string, unknown>;
    const filters: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(parsed)) {
      if (!Array.isArray(values) || !values.every((value) => typeof value === 'string')) return;
      filters[name] = values;
    }
    return filters;
  } catch {
    return undefined;
  }
}

/**
 * The engine's filter semantics: values of one filter are ORed, filters are ANDed; `label` is the
 * exception (every value must hold). Returns undefined when a filter is not one we reproduce.
 */
function matcher<T>(
  filters: Filters | undefined,
  supported: Record<string, (values: readonly string[]) => Match<T> | undefined>,
): Match<T> | undefined {
  if (!filters) return undefined;
  const matches: Match<T>[] = [];
  for (const [name, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    const make = supported[name];
    const match = make?.(values);
    if (!match) return undefined;
    matches.push(match);
  }
  return (item) => matches.every((match) => match(item));
}

/** `key` (present) or `key=value`, every one of them. */
function labelMatch<T>(labelsOf: (item: T) => Labels | undefined) {
  return (values: readonly string[]): Match<T> =>
    (item) => {
      const labels = labelsOf(item) ?? {};
      return values.every((value) => {
        const eq = value.indexOf('=');
        return eq === -1 ? value in labels : labels[value.slice(0, eq)] === value.slice(eq + 1);
      });
    };
}

/** The engine matches names with Go regular expressions; one JS cannot read the same way is a MISS. */
function regexMatch<T>(textsOf: (item: T) => readonly string[]) {
  return (values: readonly string[]): Match<T> | undefined => {
    try {
      const patterns = values.map((value) => {
        if (/\(\?|\\[pPQEz]|\[\[:/.test(value)) throw new Error('not portable');
        return new RegExp(value);
      });
      return (item) => textsOf(item).some((text) => patterns.some((pattern) => pattern.test(text)));
    } catch {
      return undefined;
    }
  };
}

const anyOf =
  <T>(test: (item: T, value: string) => boolean) =>
  (values: readonly string[]): Match<T> =>
  (item) =>
    values.some((value) => test(item, value));

const containerFilters = {
  id: anyOf<CachedContainer>((c, value) => c.inspect.Id.startsWith(value)),
  name: regexMatch<CachedContainer>((c) => [c.inspect.Name, c.inspect.Name.slice(1)]),
  label: labelMatch<CachedContainer>((c) => c.inspect.Config.Labels),
  status: (values: readonly string[]) =>
    values.every((value) => CONTAINER_STATES.has(value))
      ? anyOf<CachedContainer>((c, value) => c.inspect.State.Status === value)(values)
      : undefined,
  network: anyOf<CachedContainer>((c, value) =>
    Object.entries(c.inspect.NetworkSettings.Networks ?? {}).some(
      ([name, endpoint]) => name === value || endpoint.NetworkID === value,
    ),
  ),
  volume: anyOf<CachedContainer>((c, value) =>
    c.inspect.Mounts.some(
      (mount) => mount.Destination === value || (mount.Name || mount.Source) === value,
    ),
  ),
};

function containerList(state: EngineState, query: Query): ContainerSummary[] | typeof MISS {
  const match = matcher(parseFilters(query), containerFilters);
  if (!match) return MISS;
  const all = Boolean(query?.all);
  const now = Date.now();
  return [...state.containers.values()]
    .filter((c) => (all || c.inspect.State.Running) && match(c))
    .sort((a, b) => b.createdNs - a.createdNs)
    .map((c) => withStatus(c, now));
}

/** The list's `Status` ages with the clock: computed now, from the state events keep current. */
function withStatus(container: CachedContainer, now: number): ContainerSummary {
  return {
    ...container.summary,
    State: container.inspect.State.Status,
    Status: statusText(container.inspect.State, now),
  };
}

/** The engine's order: full id, then exact name, then a unique id prefix. */
export function findContainer(state: EngineState, ref: string): CachedContainer | undefined {
  const byId = state.containers.get(ref);
  if (byId) return byId;
  const name = `/${ref}`;
  let prefixed: CachedContainer | undefined;
  let prefixes = 0;
  for (const container of state.containers.values()) {
    if (container.inspect.Name === name) return container;
    if (container.inspect.Id.startsWith(ref)) {
      prefixed = container;
      prefixes += 1;
    }
  }
  return prefixes === 1 ? prefixed : undefined;
}

const UNTAGGED = '<none>:<none>';

const imageFilters = {
  label: labelMatch<CachedImage>((image) => image.summary.Labels),
};

function imageList(state: EngineState, query: Query): ImageSummary[] | typeof MISS {
  const match = matcher(parseFilters(query), imageFilters);
  if (!match) return MISS;
  const all = [...state.images.values()];
  const parents = new Set(all.map((image) => image.summary.ParentId).filter(Boolean));
  const images = all.filter(match);
  // Without `all`, the engine leaves out untagged images that other images are built on.
  return images
    .filter((image) => query?.all || !(isUntagged(image.summary) && parents.has(image.summary.Id)))
    .sort((a, b) => b.summary.Created - a.summary.Created)
    .map((image) => image.summary);
}

function isUntagged(summary: ImageSummary): boolean {
  return (
    (summary.RepoTags ?? []).every((tag) => tag === UNTAGGED) &&
    (summary.RepoDigests ?? []).every((digest) => digest === '<none>@<none>')
  );
}

/** Docker Hub's implicit names, so `busybox`, `library/busybox` and `docker.io/library/busybox:latest` agree. */
function normalizeTag(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  const tagged = ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
  return tagged.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/** The engine's order: full id, then a tag, then a unique id prefix. Digests go to the engine. */
function findImage(state: EngineState, ref: string): CachedImage | undefined {
  if (ref.includes('@')) return undefined;
  const hex = ref.startsWith('sha256:') ? ref.slice(7) : ref;
  const byId = state.images.get(`sha256:${hex}`);
  if (byId) return byId;
  if (!ref.startsWith('sha256:')) {
    const tag = normalizeTag(ref);
    for (const image of state.images.values()) {
      if ((image.summary.RepoTags ?? []).some((held) => normalizeTag(held) === tag)) return image;
    }
  }
  if (!/^[0-9a-f]{1,64}$/.test(hex)) return undefined;
  const matches = [...state.images.keys()].filter((id) => id.startsWith(`sha256:${hex}`));
  return matches.length === 1 ? state.images.get(matches[0] as string) : undefined;
}

const networkFilters = {
  id: anyOf<NetworkResource>((network, value) => network.Id.includes(value)),
  name: regexMatch<NetworkResource>((network) => [network.Name]),
  label: labelMatch<NetworkResource>((network) => network.Labels),
};

function networkList(state: EngineState, query: Query): NetworkResource[] | typeof MISS {
  const match = matcher(parseFilters(query), networkFilters);
  if (!match) return MISS;
  // The list leaves `Containers` empty; only inspect fills it.
  return [...state.networks.values()]
    .filter(match)
    .map((network) => ({ ...network, Containers: {} }));
}

/** The engine's order: full id, then exact name, then a unique id prefix. */
export function findNetwork(state: EngineState, ref: string): NetworkResource | undefined {
  const byId = state.networks.get(ref);
  if (byId) return byId;
  const networks = [...state.networks.values()];
  const named = networks.find((network) => network.Name === ref);
  if (named) return named;
  const prefixed = networks.filter((network) => network.Id.startsWith(ref));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

const volumeFilters = {
  name: regexMatch<Volume>((volume) => [volume.Name]),
  label: labelMatch<Volume>((volume) => volume.Labels),
};

function volumeList(state: EngineState, query: Query) {
  const match = matcher(parseFilters(query), volumeFilters);
  if (!match) return MISS;
  return { Volumes: [...state.volumes.values()].filter(match), Warnings: null };
}
