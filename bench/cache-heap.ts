/**
 * Scenario 9's probe, a child run with --expose-gc so that nothing else lives in its heap: starts
 * the state cache for the local engine, times its first sync, then measures everything a second
 * cache retains once synced, per container held: the heap it adds, a forced full GC on either
 * side (so allocation noise does not count). Prints one JSON line.
 */
import { createEngineClient } from '../src/engine/client.ts';
import { parseDockerHost } from '../src/engine/docker-host.ts';

const gc = globalThis.gc;
if (!gc) throw new Error('cache-heap.ts needs node --expose-gc');

function heapUsed(): number {
  // Twice: the first pass can leave objects whose finalization frees more.
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** A state cache's first sync: its time, what it holds, and the client to close. */
async function firstSync() {
  const client = createEngineClient({
    name: 'local',
    endpoint: parseDockerHost(process.env),
    timeoutMs: 120_000,
    maxConnections: 16,
    cache: true,
  });
  const state = client.state;
  if (!state) throw new Error('the client has no state cache');
  const started = performance.now();
  await state.start();
  const syncMs = performance.now() - started;
  state.stop();
  return { client, containers: state.containers.size, images: state.images.size, syncMs };
}

// A first cache compiles what a sync runs (and is timed: the first sync of a process); the
// second one's heap is measured, so code and the process's own state do not count.
const cold = await firstSync();
await cold.client.close();
const before = heapUsed();
const { client, ...held } = await firstSync();
const after = heapUsed();
await client.close();
console.log(
  JSON.stringify({
    containers: held.containers,
    images: held.images,
    syncMs: cold.syncMs,
    bytesPerContainer: (after - before) / held.containers,
  }),
);
