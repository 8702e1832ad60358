import { deepFreeze } from './collections.ts';

/** Distinct parts seen more than once, kept to be found again. */
const CAPACITY = 1024;
/**
 * Parts seen once, by a hash of their JSON text (not the text: most are never seen again), each
 * with the part, to be the one shared if it comes again: at most this many outlive their object.
 */
const SEEN_ONCE = 4096;

/**
 * Makes equal parts of what the cache holds one object. Containers made the same way carry equal
 * `HostConfig`s (1.8 KB each), `Mounts`, `Ports`, state and network settings, and the same
 * strings (image ids, paths, states, times): kept once, a container costs its own data only. The
 * answers are unchanged, part for part (the parts are frozen, so sharing them is safe).
 *
 * Parts are found by their JSON text. A part enters the pool the second time it is seen (the
 * first time, it is noted by a hash of its text), so what one object alone has (its id, paths,
 * environment) costs the pool no text. The pool keeps the last CAPACITY distinct parts and a
 * part found is seen again, so it is bounded whatever the engine's churn. A part that fell out
 * is still shared by whoever holds it; only new equal parts no longer find it.
 */
export class SharedValues {
  private readonly pool = new Map<string, object>();
  private readonly seenOnce = new Map<number, object>();

  /**
   * `value` (fresh from the engine, not yet frozen) deep-frozen, each part equal to one held
   * lately replaced by that one. Its top `ownLevels` levels are its own, not looked for: one
   * object of the engine's (a container's summary and inspect) is unique.
   */
  share<T extends object>(value: T, ownLevels = 1): T {
    // Parts repeated within the one value (a summary's labels and its inspect's) are one too.
    this.shareChildren(value, ownLevels, new Map());
    return deepFreeze(value);
  }

  private shareChildren(value: object, ownLevels: number, within: Map<string, object>): void {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (ownLevels > 1 && child !== null && typeof child === 'object') {
        this.shareChildren(child, ownLevels - 1, within);
      } else record[key] = this.shared(child, within);
    }
  }

  private shared(value: unknown, within: Map<string, object>): unknown {
    if (typeof value === 'string') return internalized(value);
    // Frozen: already shared (a part of something held).
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    const text = JSON.stringify(value);
    const held = this.pool.get(text);
    if (held) {
      // Seen again: to the young end of the pool.
      this.pool.delete(text);
      this.pool.set(text, held);
      return held;
    }
    const repeated = within.get(text);
    if (repeated) return repeated;
    const hash = hashOf(text);
    const first = this.seenOnce.get(hash);
    if (first && JSON.stringify(first) === text) {
      // The second time: the first one seen becomes the one held for all.
      this.seenOnce.delete(hash);
      this.pool.set(text, first);
      if (this.pool.size > CAPACITY) this.pool.delete(this.pool.keys().next().value as string);
      within.set(text, first);
      return first;
    }
    within.set(text, value);
    this.shareChildren(value, 1, within);
    this.seenOnce.set(hash, value);
    if (this.seenOnce.size > SEEN_ONCE) {
      this.seenOnce.delete(this.seenOnce.keys().next().value as number);
    }
    return value;
  }
}

/**
 * V8's own copy of `text`: a property name is internalized, one copy per distinct text in V8's
 * string table, which lets it go when nothing uses it (so no pool of ours to bound).
 */
function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0] as string;
}

/** FNV-1a: a collision only lets a part into the pool early. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
