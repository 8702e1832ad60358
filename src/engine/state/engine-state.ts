import type { EngineApi } from '../api.ts';
import { outsideCallScope } from '../call-scope.ts';
import { inspectContainer, listContainers } from '../containers.ts';
import { EngineNotFoundError } from '../errors.ts';
import type { EventHub, EventItem } from '../event-hub.ts';
import { eventNanos, openEvents } from '../events.ts';
import { inspectImage, listImages } from '../images.ts';
import { inspectNetwork, listNetworks } from '../networks.ts';
import type {
  ContainerInspect,
  ContainerSummary,
  EventMessage,
  ImageInspect,
  ImageSummary,
  NetworkResource,
  Volume,
} from '../types.ts';
import { inspectVolume, listVolumes } from '../volumes.ts';
import { mapLimit } from './collections.ts';
import { SharedValues } from './shared-values.ts';

export type StateKind = 'container' | 'image' | 'network' | 'volume';

/** What the change feed reports: an object appeared, changed or went away. */
export interface StateChange {
  engine: string;
  kind: StateKind;
  /** Full id (containers, images, networks) or name (volumes). */
  id: string;
  change: 'created' | 'updated' | 'removed';
  /** Objects whose relations this change alters (a container's image, networks and volumes). */
  related: readonly { kind: StateKind; id: string }[];
}

export interface CachedContainer {
  readonly summary: ContainerSummary;
  readonly inspect: ContainerInspect;
  /** Creation time in ns since the epoch: the engine lists newest first. */
  readonly createdNs: number;
}

export interface CachedImage {
  readonly summary: ImageSummary;
  readonly inspect: ImageInspect;
}

/** `syncing`: reads go to the engine (nothing unproven is served as fresh); `ready`: from memory. */
export type StateStatus = 'stopped' | 'syncing' | 'ready';

export interface EngineStateOptions {
  /** The engine's API without the cache in front (the cache reads through it). */
  api: EngineApi;
  events: EventHub;
  /** Inspects in flight at once while (re)syncing. */
  concurrency?: number;
  /** How often the lists are compared with what is held (changes the engine emits no event for). */
  reconcileMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Container actions that change nothing inspect or list show: no re-read for them.
 * (Exec actions carry their command after a colon, so actions are compared up to it.)
 */
const INERT_CONTAINER_ACTIONS = new Set([
  'attach',
  'detach',
  'exec_create',
  'exec_start',
  'exec_die',
  'exec_detach',
  'resize',
  'top',
  'export',
  'archive-path',
  'extract-to-dir',
  'copy',
]);

/**
 * Some changes come with no event: connecting a network to a container that is not running, a
 * removal that failed half way. The lists (four calls) are compared with what is held this often.
 */
const RECONCILE_MS = 10_000;
const STOPPED_PER_ROUND = 32;

/** After a failed re-read, when to try a resync again (an event or gap may come sooner). */
const RETRY_MS = 1_000;

/** Above this many ids, one unfiltered list is cheaper (and shorter) than an id filter. */
const MAX_ID_FILTER = 50;

/** Levels of what `put` holds that are one object's own (a container's summary and inspect). */
const OWN_LEVELS: Record<StateKind, number> = { container: 2, image: 2, network: 1, volume: 1 };

const nsOf = (time: string) => {
  const ms = Date.parse(time);
  const fraction = /\.(\d+)/.exec(time)?.[1] ?? '';
  return ms * 1e6 + (Number(fraction.padEnd(9, '0').slice(3, 9)) || 0);
};

/**
 * What one engine holds (containers, images, networks, volumes), kept current by the shared event
 * stream: listed and inspected once, then each event re-reads only what it touches, coalesced per
 * flush. Where continuity is not proven (a gap in the hub), it resyncs and diffs; until it is
 * ready again, `status` says so and readers go to the engine. Changes are published to `onChange`.
 */
export class EngineState {
  readonly engine: string;
  private readonly api: EngineApi;
  private readonly events: EventHub;
  private readonly concurrency: number;
  private readonly reconcileMs: number;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconcileTurn = 0;
  private readonly onError: (error: unknown) => void;
  private readonly listeners = new Set<(change: StateChange) => void>();

  readonly containers = new Map<string, CachedContainer>();
  readonly images = new Map<string, CachedImage>();
  readonly networks = new Map<string, NetworkResource>();
  readonly volumes = new Map<string, Volume>();
  /** Equal parts of what is held, held once (see SharedValues). */
  private readonly sharedValues = new SharedValues();

  private statusValue: StateStatus = 'stopped';
  private unobserve: (() => void) | undefined;
  private started: Promise<void> | undefined;
  private readonly dirty = {
    container: new Set<string>(),
    network: new Set<string>(),
    volume: new Set<string>(),
    /** Images to inspect again even if the list shows them unchanged (a tag added and removed). */
    image: new Set<string>(),
  };
  private imagesDirty = false;
  private resyncWanted = false;
  /** The newest event this cache has taken in, and who waits for a newer one. */
  private seenNanos = 0n;
  /** Events older than this are reflected by the last full sync's lists. */
  private syncedNanos = 0n;
  private readonly seenWaiters = new Set<() => void>();
  private flushing: Promise<void> | undefined;
  private nextFlush: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Full resyncs done since start (the first sync included). */
  resyncs = 0;
  /** Engine calls this cache made (its own re-reads): what the bench reports per event. */
  engineReads = 0;

  constructor(options: EngineStateOptions) {
    this.engine = options.api.engine;
    this.api = options.api;
    this.events = options.events;
    this.concurrency = options.concurrency ?? 16;
    this.reconcileMs = options.reconcileMs ?? RECONCILE_MS;
    this.onError = options.onError ?? (() => {});
  }

  get status(): StateStatus {
    return this.statusValue;
  }

  /** Follows the engine's events, then loads everything; resolves once the first sync is done. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.unobserve = this.events.observe((item) => this.onEvent(item));
      this.resyncWanted = true;
      this.statusValue = 'syncing';
      await this.events.whenConnected();
      await this.schedule();
      this.reconcileTimer = setInterval(() => {
        this.reconcile().catch((error: unknown) => this.onError(error));
      }, this.reconcileMs).unref();
    })();
    return this.started;
  }

  stop(): void {
    this.unobserve?.();
    this.unobserve = undefined;
    this.started = undefined;
    clearInterval(this.reconcileTimer);
    this.statusValue = 'stopped';
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads one object now (a write's read-your-writes); resolves once the cache holds it. */
  refresh(kind: StateKind, id: string): Promise<void> {
    if (kind === 'image') this.imagesDirty = true;
    if (id) this.dirty[kind].add(id);
    return this.schedule();
  }

  /** Re-reads every object of a kind (after a prune): the list decides what is gone. */
  refreshAll(kind: StateKind): Promise<void> {
    if (kind === 'image') this.imagesDirty = true;
    else {
      const ids =
        kind === 'container' ? this.containers : kind === 'network' ? this.networks : this.volumes;
      for (const id of ids.keys()) this.dirty[kind].add(id);
    }
    return this.schedule();
  }

  /** Whether events or writes are waiting to be re-read. */
  get busy(): boolean {
    return this.flushing !== undefined;
  }

  /**
   * Resolves once what was marked until now is re-read: the flush that will take the marks, or
   * the one that took them. Unlike `settled`, a stream of later events cannot hold it up.
   */
  async current(): Promise<void> {
    await (this.nextFlush?.promise ?? this.flushing);
  }

  /** Resolves once everything marked so far is re-read. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Resolves once every event the engine emitted before this call is applied: a read after it sees
   * every change made before it, from inside Wharf or not. Costs one short `/events` call (the
   * engine's own record of what it emitted up to now), so it is for tests and the bench, not reads.
   */
  async caughtUp(): Promise<void> {
    const until = BigInt(Date.now()) * 1_000_000n;
    const abort = new AbortController();
    let newest = 0n;
    try {
      let since = this.syncedNanos;
      if (this.seenNanos > since) since = this.seenNanos;
      for await (const event of await openEvents(this.api, {
        since,
        until,
        signal: abort.signal,
      })) {
        if (eventNanos(event) > newest) newest = eventNanos(event);
      }
    } finally {
      abort.abort();
    }
    while (this.seenNanos < newest && this.syncedNanos < newest) {
      await new Promise<void>((resolve) => this.seenWaiters.add(resolve));
    }
    await this.settled();
  }

  /**
   * Compares the engine's lists with what is held and re-reads whatever differs: what no event
   * announced. Costs four list calls and the inspects of what differs. Connecting a network to a
   * container that is not running changes neither an event nor always the list, only inspect: so
   * each round also re-reads a few stopped containers in turn (`full`: all of them).
   */
  async reconcile(options: { full?: boolean } = {}): Promise<void> {
    if (this.statusValue !== 'ready') return;
    const [containers, networks, volumes] = await Promise.all([
      this.read(() => listContainers(this.api, { all: true })),
      this.read(() => listNetworks(this.api)),
      this.read(() => listVolumes(this.api)),
    ]);
    const listed = new Set(containers.map((summary) => summary.Id));
    for (const summary of containers) {
      const held = this.containers.get(summary.Id)?.summary;
      if (!held || !sameValue({ ...held, Status: '' }, { ...summary, Status: '' })) {
        this.dirty.container.add(summary.Id);
      }
    }
    for (const id of this.containers.keys()) if (!listed.has(id)) this.dirty.container.add(id);
    const stopped = containers.filter((summary) => summary.State !== 'running').map((s) => s.Id);
    const turn = options.full ? stopped.length : Math.min(STOPPED_PER_ROUND, stopped.length);
    for (let i = 0; i < turn; i++) {
      this.dirty.container.add(stopped[(this.reconcileTurn + i) % stopped.length] as string);
    }
    this.reconcileTurn += turn;
    const networkIds = new Set(networks.map((network) => network.Id));
    for (const network of networks) {
      const held = this.networks.get(network.Id);
      if (!held || !sameValue({ ...held, Containers: {} }, network))
        this.dirty.network.add(network.Id);
    }
    for (const id of this.networks.keys()) if (!networkIds.has(id)) this.dirty.network.add(id);
    const volumeNames = new Set(volumes.map((volume) => volume.Name));
    for (const volume of volumes) {
      const held = this.volumes.get(volume.Name);
      if (!held || !sameValue(held, volume)) this.dirty.volume.add(volume.Name);
    }
    for (const name of this.volumes.keys()) if (!volumeNames.has(name)) this.dirty.volume.add(name);
    this.imagesDirty = true;
    if (options.full) for (const id of this.images.keys()) this.dirty.image.add(id);
    await this.schedule();
  }

  private onEvent(item: EventItem): void {
    if (item.kind === 'event' && item.event.timeNano > this.seenNanos) {
      this.seenNanos = item.event.timeNano;
      for (const wake of this.seenWaiters) wake();
      this.seenWaiters.clear();
    }
    if (item.kind === 'gap') {
      this.resyncWanted = true;
      this.statusValue = 'syncing';
      void this.schedule();
      return;
    }
    this.markTouched(item.event);
    void this.schedule();
  }

  private markTouched(event: EventMessage): void {
    const action = event.Action.split(':')[0] as string;
    const attributes = event.Actor.Attributes ?? {};
    switch (event.Type) {
      case 'container':
        // A commit makes an image with no image event of its own.
        if (action === 'commit') this.imagesDirty = true;
        else if (!INERT_CONTAINER_ACTIONS.has(action)) this.dirty.container.add(event.Actor.ID);
        break;
      case 'image':
        this.imagesDirty = true;
        // Tag, untag and delete name the image by id; a pull names the reference.
        if (event.Actor.ID.startsWith('sha256:')) this.dirty.image.add(event.Actor.ID);
        break;
      case 'network':
        this.dirty.network.add(event.Actor.ID);
        if (attributes.container) this.dirty.container.add(attributes.container);
        break;
      case 'volume':
        if (action === 'create' || action === 'destroy') this.dirty.volume.add(event.Actor.ID);
        break;
    }
  }

  /**
   * One flush at a time; whatever is marked while one runs goes into the next. The promise
   * resolves when the flush that covers the caller's marks is done.
   */
  private schedule(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (!this.nextFlush) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.nextFlush = { promise, resolve };
      const after = this.flushing ?? Promise.resolve();
      // A flush serves every reader: it is neither charged to nor aborted with whoever marked first.
      this.flushing = after
        .then(() => new Promise<void>((tick) => setImmediate(tick)))
        .then(() => outsideCallScope(() => this.flush()));
    }
    return this.nextFlush.promise;
  }

  private async flush(): Promise<void> {
    const done = this.nextFlush;
    this.nextFlush = undefined;
    try {
      if (this.resyncWanted) {
        this.resyncWanted = false;
        await this.resync();
      } else {
        await this.reread();
      }
      // A re-read can make others due (a renamed container is named in its networks' inspect).
      if (this.hasDirty()) void this.schedule();
    } catch (error) {
      // The engine failed mid-read: what we hold is no longer proven, so stop serving it until
      // a resync succeeds (the hub reports the gap when the engine is back).
      this.statusValue = 'syncing';
      this.resyncWanted = true;
      this.onError(error);
      setTimeout(() => void this.schedule(), RETRY_MS).unref();
    } finally {
      if (this.nextFlush === undefined) this.flushing = undefined;
      done?.resolve();
    }
  }

  private hasDirty(): boolean {
    return this.imagesDirty || Object.values(this.dirty).some((set) => set.size > 0);
  }

  /** Full list + inspect of everything, diffed against what we hold. */
  private async resync(): Promise<void> {
    this.statusValue = 'syncing';
    this.syncedNanos = BigInt(Date.now()) * 1_000_000n;
    for (const set of Object.values(this.dirty)) set.clear();
    this.imagesDirty = false;
    const [containers, images, networks, volumes] = await Promise.all([
      this.read(() => listContainers(this.api, { all: true })),
      this.read(() => listImages(this.api, { all: true })),
      this.read(() => listNetworks(this.api)),
      this.read(() => listVolumes(this.api)),
    ]);
    await Promise.all([
      this.resyncContainers(containers),
      this.applyImages(images, true),
      this.applyNetworks(
        networks.map((network) => network.Id),
        true,
      ),
    ]);
    this.applyVolumes(
      volumes.map((volume) => volume.Name),
      volumes,
      true,
    );
    this.resyncs += 1;
    this.statusValue = this.resyncWanted ? 'syncing' : 'ready';
  }

  /** Only what events or writes marked. */
  private async reread(): Promise<void> {
    const containers = [...this.dirty.container].filter(Boolean);
    const networks = [...this.dirty.network].filter(Boolean);
    const volumes = [...this.dirty.volume].filter(Boolean);
    const images = this.imagesDirty;
    const inspectImages = new Set(this.dirty.image);
    for (const set of Object.values(this.dirty)) set.clear();
    this.imagesDirty = false;
    await Promise.all([
      containers.length > 0 && this.rereadContainers(containers),
      images &&
        this.read(() => listImages(this.api, { all: true })).then((list) =>
          this.applyImages(list, false, inspectImages),
        ),
      networks.length > 0 && this.applyNetworks(networks, false),
      volumes.length > 0 &&
        Promise.all(
          volumes.map((name) => this.inspectOrNull(() => inspectVolume(this.api, name))),
        ).then((found) =>
          this.applyVolumes(
            volumes,
            found.filter((volume): volume is Volume => volume !== null),
            false,
          ),
        ),
    ]);
  }

  private read<T>(call: () => Promise<T>): Promise<T> {
    this.engineReads += 1;
    return call();
  }

  private async inspectOrNull<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await this.read(call);
    } catch (error) {
      if (error instanceof EngineNotFoundError) return null;
      throw error;
    }
  }

  /**
   * Inspect first, then list. The engine emits a container's event before it records the change
   * where its list reads from, but holds the container's lock until it has: an inspect waits for
   * that, so a list after it is current.
   */
  private async rereadContainers(ids: readonly string[]): Promise<void> {
    const inspected = await mapLimit(ids, this.concurrency, (id) =>
      this.inspectOrNull(() => inspectContainer(this.api, id)),
    );
    const found = ids.filter((_, index) => inspected[index]);
    const summaries =
      found.length === 0
        ? []
        : await this.read(() =>
            listContainers(this.api, {
              all: true,
              ...(found.length <= MAX_ID_FILTER && { filters: { id: found } }),
            }),
          );
    this.applyContainers(ids, inspected, summaries, false);
  }

  private async resyncContainers(summaries: readonly ContainerSummary[]): Promise<void> {
    const ids = summaries.map((summary) => summary.Id);
    const inspected = await mapLimit(ids, this.concurrency, (id) =>
      this.inspectOrNull(() => inspectContainer(this.api, id)),
    );
    this.applyContainers(ids, inspected, summaries, true);
  }

  /**
   * `ids[i]` inspected as `inspected[i]` (null: gone), listed in `summaries`. A full sync also
   * drops what we hold that the list no longer has.
   */
  private applyContainers(
    ids: readonly string[],
    inspected: readonly (ContainerInspect | null)[],
    summaries: readonly ContainerSummary[],
    full: boolean,
  ): void {
    const listed = new Map(summaries.map((summary) => [summary.Id, summary]));
    ids.forEach((id, index) => {
      const inspect = inspected[index];
      const summary = listed.get(id);
      if (!inspect || !summary) {
        // Gone, or created between the two reads: then its own event re-reads it.
        this.remove('container', this.containers, id);
        if (inspect) this.dirty.container.add(id);
        return;
      }
      const renamed = this.containers.get(id)?.inspect.Name;
      if (renamed !== undefined && renamed !== inspect.Name) {
        for (const endpoint of Object.values(inspect.NetworkSettings.Networks ?? {})) {
          if (endpoint.NetworkID) this.dirty.network.add(endpoint.NetworkID);
        }
      }
      this.put('container', this.containers, id, {
        summary,
        inspect,
        createdNs: nsOf(inspect.Created),
      });
    });
    if (full) {
      for (const id of [...this.containers.keys()]) {
        if (!listed.has(id)) this.remove('container', this.containers, id);
      }
    }
  }

  private async applyImages(
    list: readonly ImageSummary[],
    full: boolean,
    inspect: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const listed = new Map(list.map((summary) => [summary.Id, summary]));
    // What the list shows changed, or what an event named (its tag time changed with no trace in
    // the list): inspected again.
    const changed = list.filter((summary) => {
      const held = this.images.get(summary.Id);
      return full || !held || inspect.has(summary.Id) || !sameValue(held.summary, summary);
    });
    const inspected = await mapLimit(changed, this.concurrency, (summary) =>
      this.inspectOrNull(() => inspectImage(this.api, summary.Id)),
    );
    changed.forEach((summary, index) => {
      const inspect = inspected[index];
      if (inspect) this.put('image', this.images, summary.Id, { summary, inspect });
      else this.remove('image', this.images, summary.Id);
    });
    for (const id of this.images.keys()) {
      if (!listed.has(id)) this.remove('image', this.images, id);
    }
  }

  private async applyNetworks(ids: readonly string[], full: boolean): Promise<void> {
    // The list leaves `Containers` empty: only inspect has who is attached.
    const inspected = await mapLimit(ids, this.concurrency, (id) =>
      this.inspectOrNull(() => inspectNetwork(this.api, id)),
    );
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      const network = inspected[index];
      if (network) {
        seen.add(network.Id);
        this.put('network', this.networks, network.Id, network);
      } else this.remove('network', this.networks, id);
    });
    if (full) {
      for (const id of this.networks.keys()) {
        if (!seen.has(id)) this.remove('network', this.networks, id);
      }
    }
  }

  private applyVolumes(names: readonly string[], volumes: readonly Volume[], full: boolean): void {
    const found = new Map(volumes.map((volume) => [volume.Name, volume]));
    for (const name of names) {
      const volume = found.get(name);
      if (volume) this.put('volume', this.volumes, name, volume);
      else this.remove('volume', this.volumes, name);
    }
    if (full) {
      for (const name of this.volumes.keys()) {
        if (!found.has(name)) this.remove('volume', this.volumes, name);
      }
    }
  }

  private put<T>(kind: StateKind, map: Map<string, T>, id: string, value: T): void {
    const held = map.get(id);
    if (held !== undefined && sameValue(held, value)) return;
    map.set(id, this.sharedValues.share(value as T & object, OWN_LEVELS[kind]));
    this.publish({
      engine: this.engine,
      kind,
      id,
      change: held === undefined ? 'created' : 'updated',
      related: [...relatedOf(kind, held), ...relatedOf(kind, value)],
    });
  }

  private remove<T>(kind: StateKind, map: Map<string, T>, id: string): void {
    const held = map.get(id);
    if (!map.delete(id)) return;
    this.publish({
      engine: this.engine,
      kind,
      id,
      change: 'removed',
      related: relatedOf(kind, held),
    });
  }

  private publish(change: StateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** A container's image, networks and named volumes list it: their relations change with it. */
function relatedOf(kind: StateKind, value: unknown): { kind: StateKind; id: string }[] {
  if (kind !== 'container' || value === undefined) return [];
  const { inspect } = value as CachedContainer;
  return [
    { kind: 'image', id: inspect.Image },
    ...Object.values(inspect.NetworkSettings.Networks ?? {}).flatMap((endpoint) =>
      endpoint.NetworkID ? [{ kind: 'network' as const, id: endpoint.NetworkID }] : [],
    ),
    ...inspect.Mounts.flatMap((mount) =>
      mount.Type === 'volume' && mount.Name ? [{ kind: 'volume' as const, id: mount.Name }] : [],
    ),
  ];
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
