import { cleanupStalePrivateEngines } from './helpers/private-engine.ts';

/** Private engines of an interrupted earlier run would hold namespaces and mounts. */
export default async function setup(): Promise<void> {
  await cleanupStalePrivateEngines();
}
