import type { ComponentChildren } from 'preact';
import type { GraphQLError } from '../api.ts';
import { Problems } from './container-links.tsx';

/** One column of a resource list: its heading and what each row shows under it. */
export interface Column<T> {
  title: string;
  cell: (row: T) => ComponentChildren;
  /** The cell's class: `number` aligns right, `name` keeps a long name whole. */
  class?: string;
  /** The cell's tooltip: the exact value behind a rounded one. */
  hint?: (row: T) => string;
  /** Shown only when the rows come from more than one engine (one engine needs no column). */
  multiEngine?: boolean;
}

/** The engine a row lives on, where the list spans several. */
export const ENGINE_COLUMN: Column<{ engine: string }> = {
  title: 'Engine',
  cell: (row) => row.engine,
  multiEngine: true,
};

interface Row {
  id: string;
  engine: string;
}

/**
 * A screen of one kind of engine object (images, networks, volumes): a heading with the count,
 * the list's errors, then, once loaded, `children` (what a prune would take) and the table.
 */
export function ResourceList<T extends Row>(props: {
  title: string;
  /** The count the server reports; undefined while the first result is on its way. */
  total: number | undefined;
  rows: T[];
  errors: GraphQLError[];
  columns: Column<T>[];
  /** The row's `data-*` attributes, which tests and the bench find rows by. */
  rowData: (row: T) => Record<`data-${string}`, string>;
  children?: ComponentChildren;
}) {
  const heading = `${props.title.toLowerCase()}-title`;
  const engines = new Set(props.rows.map((row) => row.engine));
  const columns = props.columns.filter((column) => !column.multiEngine || engines.size > 1);
  return (
    <section aria-labelledby={heading}>
      <h1 id={heading}>
        {props.title}{' '}
        <span class="count" data-testid="count">
          {props.total ?? ''}
        </span>
      </h1>
      <Problems errors={props.errors} />
      {props.total === undefined ? (
        <p class="loading">Loading…</p>
      ) : (
        <>
          {props.children}
          <table class="list" aria-label={props.title}>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th scope="col" key={column.title}>
                    {column.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.id} {...props.rowData(row)}>
                  {columns.map((column) => (
                    <td key={column.title} class={column.class} title={column.hint?.(row)}>
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
