import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * Whether the query asks for `path` below the field being resolved, through fragments too
 * (`@skip`/`@include` are not read: a false yes only starts a read early). It lets a resolver
 * start a read that its children will need at the same time as its own.
 */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return info.fieldNodes.some((node) => below(node.selectionSet, path, info));
}

function below(
  set: SelectionSetNode | undefined,
  path: readonly string[],
  info: GraphQLResolveInfo,
): boolean {
  if (!set) return false;
  const [name, ...rest] = path;
  return set.selections.some((selection) => {
    switch (selection.kind) {
      case Kind.FIELD:
        return (
          selection.name.value === name &&
          (rest.length === 0 || below(selection.selectionSet, rest, info))
        );
      case Kind.INLINE_FRAGMENT:
        return below(selection.selectionSet, path, info);
      case Kind.FRAGMENT_SPREAD:
        return below(info.fragments[selection.name.value]?.selectionSet, path, info);
      default:
        return false;
    }
  });
}
