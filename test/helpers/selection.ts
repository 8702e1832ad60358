import {
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { schema } from '../../src/graphql/index.ts';

/**
 * Arguments a field needs and a test can give in general: `key` (e.g. `label(key:)`) asks for
 * `key`; a field with another required argument is left out.
 */
function argumentsOf(field: GraphQLField<unknown, unknown>, key: string): string | undefined {
  const required = field.args.filter(
    (arg) => isNonNullType(arg.type) && arg.defaultValue === undefined,
  );
  if (required.length === 0) return '';
  if (required.length === 1 && required[0]?.name === 'key') return `(key: ${JSON.stringify(key)})`;
  return undefined;
}

/**
 * Every field of `typeName` the schema has, and of the types below it to `depth` levels (a type
 * already on the path is not entered again), so a field added later is selected too. Unions and
 * interfaces get an inline fragment per type (its fields aliased `Type_field`); `label(key:)`
 * asks for `key`. Raise the query limits (aliases, tokens, cost) to run one.
 */
export function everyField(typeName: string, depth: number, key = ''): string {
  const type = schema.getType(typeName);
  if (!type) throw new Error(`no type ${typeName}`);
  return selectionOf(type, depth, new Set(), key);
}

function selectionOf(
  type: GraphQLNamedType,
  depth: number,
  path: ReadonlySet<string>,
  key: string,
  alias = '',
): string {
  const inside = new Set([...path, type.name]);
  if (isAbstractType(type)) {
    const fragments = schema
      .getPossibleTypes(type)
      // Aliased per type: members may give one field name different types.
      .map(
        (member) =>
          `... on ${member.name} ${selectionOf(member, depth, path, key, `${member.name}_`)}`,
      );
    return `{ __typename ${fragments.join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const fields = Object.values(type.getFields()).flatMap((field) => {
    const args = argumentsOf(field, key);
    if (args === undefined) return [];
    const named = getNamedType(field.type);
    const selected = `${alias && `${alias}${field.name}: `}${field.name}${args}`;
    if (isLeafType(named)) return [selected];
    if (depth <= 1 || inside.has(named.name)) return [];
    const below = selectionOf(named, depth - 1, inside, key);
    return below ? [`${selected} ${below}`] : [];
  });
  return `{ __typename ${fields.join(' ')} }`;
}
