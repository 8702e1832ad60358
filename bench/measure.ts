/** What one contender does once: resolves when its answer is complete. */
export interface Contender {
  name: string;
  /** Milliseconds measured by the contender itself (docker-py times itself, outside the IPC). */
  once(): Promise<number | undefined>;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * Every contender `rounds` times, interleaved (a, b, c, a, b, c, …) after a warm-up, so machine
 * noise falls on all of them alike. Medians in milliseconds by contender name.
 */
export async function interleaved(
  contenders: readonly Contender[],
  rounds: number,
  warmup = 3,
): Promise<Map<string, number[]>> {
  const times = new Map(contenders.map((contender) => [contender.name, [] as number[]]));
  for (let round = -warmup; round < rounds; round++) {
    for (const contender of contenders) {
      const start = performance.now();
      const own = await contender.once();
      const ms = own ?? performance.now() - start;
      if (round >= 0) times.get(contender.name)?.push(ms);
    }
  }
  return times;
}

/** `clients` loops of `once` for `ms`: requests per second and latency percentiles. */
export async function concurrent(contender: Contender, clients: number, ms: number) {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const start = performance.now();
        await contender.once();
        latencies.push(performance.now() - start);
      }
    }),
  );
  return {
    perSecond: (latencies.length / ms) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export interface Row {
  scenario: string;
  contender: string;
  /** The figure (ms unless `unit` says otherwise). */
  value: number;
  unit: string;
  /** The contender this row is compared with, and the ratio value / baseline. */
  baseline?: string;
  ratio?: number;
  target?: string;
  met?: boolean;
}

export function printTable(rows: readonly Row[]): void {
  const header = ['scenario', 'contender', 'median', 'vs', 'ratio', 'target', ''];
  const lines = rows.map((row) => [
    row.scenario,
    row.contender,
    `${format(row.value)} ${row.unit}`,
    row.baseline ?? '',
    row.ratio === undefined ? '' : `×${row.ratio.toFixed(2)}`,
    row.target ?? '',
    row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
  ]);
  const widths = header.map((_, i) =>
    Math.max(header[i]?.length ?? 0, ...lines.map((l) => l[i]?.length ?? 0)),
  );
  const print = (cells: string[]) =>
    console.log(
      cells
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  for (const line of lines) print(line);
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
