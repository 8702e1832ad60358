import { OTHER } from './bounded-labels.ts';

/**
 * The Engine API paths Wharf calls, as route templates: a resource, then a literal (a collection
 * action, `/containers/json`) or an object (`{id}`, `{name}` for images, which may hold slashes)
 * and its action. Only literals from this table and the placeholders reach a label.
 */
const RESOURCES: Record<string, { object: string; literals: string[]; actions: string[] }> = {
  containers: {
    object: '{id}',
    literals: ['json', 'create', 'prune'],
    actions: [
      'json',
      'logs',
      'stats',
      'start',
      'stop',
      'restart',
      'kill',
      'pause',
      'unpause',
      'wait',
      'attach',
      'exec',
      'resize',
      'top',
      'changes',
      'export',
      'archive',
      'update',
      'rename',
    ],
  },
  images: {
    object: '{name}',
    literals: ['json', 'create', 'search', 'prune', 'load', 'get'],
    actions: ['json', 'history', 'push', 'tag', 'get'],
  },
  networks: { object: '{id}', literals: ['create', 'prune'], actions: ['connect', 'disconnect'] },
  volumes: { object: '{name}', literals: ['create', 'prune'], actions: [] },
  exec: { object: '{id}', literals: [], actions: ['start', 'resize', 'json'] },
  services: { object: '{id}', literals: ['create'], actions: ['update', 'logs'] },
  tasks: { object: '{id}', literals: [], actions: ['logs'] },
  nodes: { object: '{id}', literals: [], actions: ['update'] },
  secrets: { object: '{id}', literals: ['create'], actions: ['update'] },
  configs: { object: '{id}', literals: ['create'], actions: ['update'] },
  distribution: { object: '{name}', literals: [], actions: ['json'] },
  swarm: {
    object: OTHER,
    literals: ['init', 'join', 'leave', 'update', 'unlockkey', 'unlock'],
    actions: [],
  },
  system: { object: OTHER, literals: ['df'], actions: [] },
};

/** Paths without an object. */
const SINGLE = new Set(['_ping', 'info', 'version', 'events', 'build', 'auth', 'commit']);

/**
 * The route template of an engine call's path (`/v1.41/containers/abc/json?all=1` is
 * `/containers/{id}/json`): never an id, a name or a query. A path outside the table is `other`.
 */
export function engineRoute(path: string): string {
  const [resource = '', ...rest] = (path.split('?')[0] ?? '')
    .replace(/^\/v\d+\.\d+(?=\/)/, '')
    .split('/')
    .filter((segment) => segment !== '');
  if (rest.length === 0) return SINGLE.has(resource) ? `/${resource}` : OTHER;
  const table = RESOURCES[resource];
  if (!table) return OTHER;
  const [first = ''] = rest;
  if (rest.length === 1 && table.literals.includes(first)) return `/${resource}/${first}`;
  if (table.object === OTHER) return OTHER;
  const last = rest.at(-1) ?? '';
  return rest.length > 1 && table.actions.includes(last)
    ? `/${resource}/${table.object}/${last}`
    : `/${resource}/${table.object}`;
}
