import { outsideCallScope } from '../engine/call-scope.ts';
import { inspectContainer } from '../engine/containers.ts';
import type { EngineRegistry } from '../engine/registry.ts';
import type { StateChange, StateKind } from '../engine/state/engine-state.ts';
import type { EventMessage } from '../engine/types.ts';

const KINDS: readonly StateKind[] = ['container', 'image', 'network', 'volume'];

/** Without the cache, a change is known only by its event: what it names, not what it altered. */
function changeOfEvent(engine: string, event: EventMessage): StateChange | undefined {
  const kind = KINDS.find((k) => k === event.Type);
  if (!kind) return undefined;
  const action = event.Action.split(':')[0];
  const container = event.Actor.Attributes?.container;
  return {
    engine,
    kind,
    id: event.Actor.ID,
    // An image event may name a tag rather than an id: any image list may have changed.
    change:
      kind === 'image' || action === 'create'
        ? 'created'
        : action === 'destroy' || action === 'delete'
          ? 'removed'
          : 'updated',
    related: container ? [{ kind: 'container', id: container }] : [],
  };
}

/**
 * Every change of every engine's objects, until the returned function is called: from the state
 * cache where there is one, else from the engine's events.
 */
export function followChanges(
  engines: EngineRegistry,
  listener: (change: StateChange) => void,
): () => void {
  const stops = engines.names().flatMap((name) => {
    const client = engines.client(name);
    if (!client) return [];
    if (client.state) return [client.state.onChange(listener)];
    return [
      client.events.observe((item) => {
        const change = item.kind === 'event' && changeOfEvent(name, item.event);
        if (!change) return;
        if (change.kind !== 'container' || change.change === 'removed') return listener(change);
        // The engine emits a container's event before its list shows the change, but holds the
        // container's lock until it does: once an inspect answers, a re-read sees the change.
        void outsideCallScope(() => inspectContainer(client.api, change.id))
          .catch(() => {})
          .then(() => listener(change));
      }),
    ];
  });
  return () => {
    for (const stop of stops) stop();
  };
}

/**
 * Every engine's event stream opening, being lost, or reporting a gap, until the returned function
 * is called: while an engine is away, what any answer holds of it may have changed unseen.
 */
export function followEngineStatus(
  engines: EngineRegistry,
  listener: (engine: string) => void,
): () => void {
  const stops = engines.names().flatMap((name) => {
    const hub = engines.client(name)?.events;
    return hub ? [hub.onStatusChange(() => listener(name))] : [];
  });
  return () => {
    for (const stop of stops) stop();
  };
}
