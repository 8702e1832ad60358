/**
 * The engine's `filters` query parameter: a JSON map from filter name to a list of values
 * (values of one name are ORed, names are ANDed). Empty lists are left out.
 */
export type EngineFilters = Record<string, readonly string[] | undefined>;

export function encodeFilters(filters: EngineFilters | undefined): string | undefined {
  if (!filters) return undefined;
  const present = Object.entries(filters).filter(
    (entry): entry is [string, readonly string[]] => entry[1] !== undefined && entry[1].length > 0,
  );
  return present.length > 0 ? JSON.stringify(Object.fromEntries(present)) : undefined;
}
