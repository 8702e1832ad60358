import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../src/engine/types.ts';
import { matchesEvent } from '../../src/model/events.ts';

function event(
  Type: string,
  Action: string,
  ID: string,
  Attributes: Record<string, string> | null = {},
): EventMessage {
  return { Type, Action, Actor: { ID, Attributes }, time: 0, timeNano: 0n };
}

const started = event('container', 'start', 'c0ffee12', {
  name: 'web',
  image: 'busybox',
  tier: 'front',
  empty: '',
});
const exec = event('container', 'exec_start: sh -c echo a|b', 'c0ffee12', { name: 'web' });
const health = event('container', 'health_status: healthy', 'c0ffee12', { name: 'web' });
const network = event('network', 'connect', 'beef34', { name: 'backend', container: 'c0ffee12' });
const volume = event('volume', 'mount', 'data', { container: 'c0ffee12' });
const pulled = event('image', 'pull', 'busybox:latest', { name: 'busybox' });
const tagged = event('image', 'tag', 'sha256:abc123', { name: 'team/app:1' });
const bare = event('daemon', 'reload', 'd1', null);

type Filters = Parameters<typeof matchesEvent>[0];

/** [what, filters, events that match; the others of ALL must not]. */
const ALL = { started, exec, health, network, volume, pulled, tagged, bare };
const cases: [string, Filters, (keyof typeof ALL)[]][] = [
  ['no filter', {}, ['started', 'exec', 'health', 'network', 'volume', 'pulled', 'tagged', 'bare']],
  ['empty lists', { type: [], label: [] }, Object.keys(ALL) as (keyof typeof ALL)[]],
  ['one type', { type: ['container'] }, ['started', 'exec', 'health']],
  ['either of two types', { type: ['network', 'volume'] }, ['network', 'volume']],
  ['an action', { action: ['start'] }, ['started']],
  ['an action and its detail after ":"', { action: ['exec_start'] }, ['exec']],
  ['an action with its detail', { action: ['health_status: healthy'] }, ['health']],
  ['not a prefix without ":"', { action: ['sta'] }, []],
  ['a container by name', { container: ['web'] }, ['started', 'exec', 'health']],
  ['a container by id prefix', { container: ['c0ff'] }, ['started', 'exec', 'health']],
  ['a container, not a network that names it', { container: ['c0ffee12'], type: ['network'] }, []],
  ['a network by name', { network: ['backend'] }, ['network']],
  ['a network by id prefix', { network: ['bee'] }, ['network']],
  ['a volume by its exact name', { volume: ['data'] }, ['volume']],
  ['a volume, never by prefix', { volume: ['dat'] }, []],
  ['an image with :latest implied', { image: ['busybox'] }, ['started', 'pulled']],
  ['an image with :latest spelt out', { image: ['busybox:latest'] }, ['started', 'pulled']],
  ['an image by its tag name', { image: ['team/app:1'] }, ['tagged']],
  ['an image by id prefix', { image: ['sha256:abc'] }, ['tagged']],
  ['a label key', { label: ['tier'] }, ['started']],
  ['a label key whose value is empty', { label: ['empty'] }, ['started']],
  ['a label key and value', { label: ['tier=front'] }, ['started']],
  ['a label with another value', { label: ['tier=back'] }, []],
  ['a label value holding "="', { label: ['tier=front=x'] }, []],
  ['all keys together', { type: ['container'], action: ['start'], label: ['tier'] }, ['started']],
  ['a key Wharf does not know', { scope: ['local'] }, Object.keys(ALL) as (keyof typeof ALL)[]],
];

const matchedBy = (filters: Filters) =>
  Object.entries(ALL)
    .filter(([, message]) => matchesEvent(filters, message))
    .map(([name]) => name);

describe('matchesEvent', () => {
  for (const [what, filters, matching] of cases) {
    it(`matches ${what}`, () => {
      expect(matchedBy(filters)).toEqual(matching);
    });
  }

  // Where Wharf still differs from the engine (checked on Engine 20.10 with `docker events`); a
  // fix changes what subscribers get, so it waits for a step that may change behaviour.
  it.fails('requires every label given, as the engine does (Wharf takes any)', () => {
    expect(matchedBy({ label: ['tier=front', 'name=web'] })).toEqual(['started']);
  });

  it.fails("does not take Object.prototype's keys for labels", () => {
    expect(matchedBy({ label: ['toString'] })).toEqual([]);
  });
});
