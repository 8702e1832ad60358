import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './graphql/index.ts';

/** The schema's SDL as schema/schema.graphql holds it: types sorted, so diffs show only changes. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
