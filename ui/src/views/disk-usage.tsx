import { useState } from 'preact/hooks';
import { graphql } from '../__generated__/gql.ts';
import type { Api } from '../api.ts';
import { bytes } from '../format.ts';
import { useQuery } from '../live.ts';
import { Problems } from './container-links.tsx';

graphql(`fragment Figures on DiskUsageFigures { count active size reclaimable }`);

/** One `/system/df` call, which walks the disk: a plain query, asked again on request. */
const DISK_USAGE = graphql(`query DiskUsage($engine: String) {
  diskUsage(engine: $engine) {
    engine
    images { ...Figures }
    containers { ...Figures }
    volumes { ...Figures }
    buildCache { ...Figures }
  }
  engines { name }
}`);

type Kind = 'images' | 'containers' | 'volumes' | 'buildCache';

const ROWS: [Kind, string, string][] = [
  ['images', 'Images', 'imagesPrune(dangling: false)'],
  ['containers', 'Containers', 'containersPrune'],
  ['volumes', 'Local volumes', 'volumesPrune'],
  ['buildCache', 'Build cache', 'docker builder prune (no mutation)'],
];

function percent(part: number, whole: number): string {
  return whole > 0 ? ` (${Math.round((part / whole) * 100)} %)` : '';
}

/** `docker system df` of one engine: what is there, what is in use, what a prune would free. */
export function DiskUsageView(props: { api: Api }) {
  const [engine, setEngine] = useState<string | null>(null);
  const { data, errors, loading, reload } = useQuery(props.api, DISK_USAGE, { engine });
  const usage = data?.diskUsage;
  return (
    <section aria-labelledby="disk-title">
      <h1 id="disk-title">Disk usage</h1>
      <Problems errors={errors} />
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        {(data?.engines.length ?? 0) > 1 && (
          <label>
            Engine{' '}
            <select
              value={usage?.engine ?? ''}
              onChange={(e) => setEngine((e.target as HTMLSelectElement).value)}
            >
              {data?.engines.map((e) => (
                <option key={e.name}>{e.name}</option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={reload} disabled={loading}>
          {loading ? 'Measuring…' : 'Measure again'}
        </button>
      </form>
      {!usage ? (
        !errors.length && <p class="loading">Loading…</p>
      ) : (
        <table class="list disk" aria-label={`Disk usage of ${usage.engine}`}>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Total</th>
              <th scope="col">Active</th>
              <th scope="col">Size</th>
              <th scope="col">Reclaimable</th>
              <th scope="col">Freed by</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(([key, title, prune]) => {
              const row = usage[key];
              return (
                <tr key={key} data-kind={key}>
                  <th scope="row">{title}</th>
                  <td class="number">{row.count}</td>
                  <td class="number">{row.active}</td>
                  <td class="number">{bytes(row.size)}</td>
                  <td class="number" data-bytes={row.reclaimable}>
                    {bytes(row.reclaimable)}
                    {percent(row.reclaimable, row.size)}
                  </td>
                  <td>
                    <code>{prune}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
