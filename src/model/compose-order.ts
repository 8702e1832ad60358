import type { Labels } from '../engine/types.ts';

/** The labels docker-compose (v1 and v2) writes on what it creates. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  /** Compose v2 only: `service:condition:restart,…` (early v2: `service:condition`). */
  dependsOn: 'com.docker.compose.depends_on',
} as const;

/** The services a `depends_on` label names; empty when there is none (compose v1 writes none). */
export function dependsOnOf(labels: Labels | undefined): string[] {
  const value = labels?.[COMPOSE_LABELS.dependsOn] ?? '';
  return value
    .split(',')
    .map((entry) => entry.split(':')[0]?.trim() ?? '')
    .filter((service) => service !== '');
}

/** What ordering needs of one container. */
export interface OrderedContainer {
  id: string;
  labels: Labels | undefined;
  /** When it was created, in ms: compose creates services in dependency order. */
  createdMs: number;
}

function serviceOf(container: OrderedContainer): string {
  return container.labels?.[COMPOSE_LABELS.service] ?? '';
}

function numberOf(container: OrderedContainer): number {
  const number = Number(container.labels?.[COMPOSE_LABELS.number]);
  return Number.isFinite(number) ? number : Number.POSITIVE_INFINITY;
}

interface ServiceEntry {
  name: string;
  dependsOn: Set<string>;
  firstCreated: number;
  containers: OrderedContainer[];
}

function byPriority(a: ServiceEntry, b: ServiceEntry): number {
  return a.firstCreated - b.firstCreated || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The order a project starts in: one step per service, its containers (by container number) acted
 * on together. A service comes after those its `depends_on` label names (dependencies outside the
 * project are ignored); among services free to go, the one created first goes first, then by
 * name. Without labels (compose v1) that is creation order, which `up` made dependency order; a
 * cycle, which compose refuses, is broken in the same order. Stop and remove go in reverse.
 */
export function startOrder<T extends OrderedContainer>(containers: readonly T[]): T[][] {
  const services = new Map<string, ServiceEntry>();
  for (const container of containers) {
    const name = serviceOf(container);
    const entry = services.get(name) ?? {
      name,
      dependsOn: new Set<string>(),
      firstCreated: Number.POSITIVE_INFINITY,
      containers: [],
    };
    for (const dependency of dependsOnOf(container.labels)) entry.dependsOn.add(dependency);
    entry.firstCreated = Math.min(entry.firstCreated, container.createdMs);
    entry.containers.push(container);
    services.set(name, entry);
  }
  const waiting = [...services.values()].sort(byPriority);
  const done = new Set<string>();
  const steps: T[][] = [];
  while (waiting.length > 0) {
    const ready = waiting.findIndex((service) =>
      [...service.dependsOn].every(
        (dependency) => done.has(dependency) || !services.has(dependency),
      ),
    );
    const [next] = waiting.splice(Math.max(ready, 0), 1) as [ServiceEntry];
    done.add(next.name);
    steps.push(
      (next.containers as T[]).sort((a, b) => numberOf(a) - numberOf(b) || (a.id < b.id ? -1 : 1)),
    );
  }
  return steps;
}
