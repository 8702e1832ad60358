import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFixtures, rawEngine } from './fixtures.ts';
import type { Row } from './measure.ts';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./cache-heap.ts', import.meta.url));

interface HeapProbe {
  containers: number;
  images: number;
  syncMs: number;
  bytesPerContainer: number;
}

/**
 * Scenario 9: the state cache's heap per container and its first sync's time, with the engine
 * holding each of `sizes` created-not-started fixtures (added up to each size in turn, so 1,000
 * then 10,000 creates 10,000 in all). The cache holds every container of the engine, so a few
 * that are not fixtures may count too; `notes` says how many were held.
 */
export async function cacheMemory(sizes: readonly number[], notes: string[]): Promise<Row[]> {
  const raw = rawEngine();
  const removes: (() => Promise<void>)[] = [];
  const rows: Row[] = [];
  let created = 0;
  try {
    for (const size of [...sizes].sort((a, b) => a - b)) {
      const fixtures = await createFixtures(raw, size - created, 0);
      removes.push(fixtures.remove);
      created = size;
      const { stdout } = await run(process.execPath, ['--expose-gc', PROBE]);
      const probe = JSON.parse(stdout) as HeapProbe;
      rows.push(
        {
          scenario: `9 cache memory, ${size}`,
          contender: 'wharf (cache)',
          value: probe.bytesPerContainer,
          unit: 'B/container',
        },
        {
          scenario: `9 cache first sync, ${size}`,
          contender: 'wharf (cache)',
          value: probe.syncMs,
          unit: 'ms',
        },
      );
      notes.push(`9 cache memory, ${size}: the cache held ${probe.containers} containers`);
    }
  } finally {
    for (const remove of removes) await remove();
    await raw.close();
  }
  return rows;
}
