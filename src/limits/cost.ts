import type { FieldComplexityValue } from '@pothos/plugin-complexity';
import { type GraphQLField, getNamedType, getNullableType, isListType } from 'graphql';

/**
 * What each field costs, in rough engine work: the cost budget (WHARF_MAX_COST) is checked against
 * the sum before execution. A list multiplies what is selected under it: a connection by its page
 * (`first`/`last`, or the default page), any other list of objects by LIST_FAN_OUT.
 */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const LIST_FAN_OUT = 10;
/** One inspect per object, shared by every field that reads it. */
const INSPECT = 2;
/** One engine call per object that nothing batches (top, a relation's own list). */
const CALL = 10;

const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Container.config': INSPECT,
  'Container.hostConfig': INSPECT,
  'Container.env': INSPECT,
  'Container.health': INSPECT,
  'Container.error': INSPECT,
  'Container.exitCode': INSPECT,
  'Container.startedAt': INSPECT,
  'Container.finishedAt': INSPECT,
  'Container.oomKilled': INSPECT,
  'Container.pid': INSPECT,
  'Container.restartCount': INSPECT,
  'Container.image': INSPECT,
  'Container.sizeRw': 5,
  'Container.sizeRootFs': 5,
  'Container.processes': CALL,
  'Image.architecture': INSPECT,
  'Image.author': INSPECT,
  'Image.comment': INSPECT,
  'Image.os': INSPECT,
  'Image.variant': INSPECT,
  'Image.history': CALL,
  'Image.containers': 5,
  'Network.containers': 5,
  'NetworkAttachment.network': INSPECT,
  'Mount.volume': INSPECT,
  'Volume.size': 5,
  'Volume.usedBy': 5,
  // One /system/df: the engine walks every layer, container and volume.
  'Query.diskUsage': CALL,
  'Mutation.exec': 50,
  'Mutation.imagePull': 50,
  'Mutation.imagePush': 50,
};

/** A root field that starts work of its own: a mutation or a subscription. */
const ROOT_OPERATION_COST = CALL;

/** What `Container.logs` costs: one engine call plus the lines it may bring. */
export function logsCost(tail: number): number {
  return CALL + Math.ceil(tail / 10);
}

function pageSize(args: Record<string, unknown>): number {
  const asked = [args.first, args.last].find((value) => typeof value === 'number') as
    | number
    | undefined;
  return Math.min(Math.max(asked ?? DEFAULT_PAGE, 0), MAX_PAGE);
}

/** Pothos keeps the field's config, with the name of the type that declares it, on extensions. */
function parentTypeOf<Context>(field: GraphQLField<unknown, Context>): string | undefined {
  const config = field.extensions?.pothosConfig as { parentType?: unknown } | undefined;
  return typeof config?.parentType === 'string' ? config.parentType : undefined;
}

/** The complexity plugin's `fieldComplexity`: every field's cost, from the table above. */
export function fieldCost<Context>(
  args: Record<string, unknown>,
  _ctx: Context,
  field: GraphQLField<unknown, Context>,
): FieldComplexityValue {
  const parent = parentTypeOf(field);
  const named = getNamedType(field.type).name;
  if (parent === 'Container' && field.name === 'logs') {
    return { field: logsCost(typeof args.tail === 'number' ? args.tail : 0), multiplier: 1 };
  }
  if (named.endsWith('Connection')) {
    return { field: 2, multiplier: pageSize(args) };
  }
  // The connection above already counted its page.
  if (field.name === 'edges' && named.endsWith('Edge')) return { field: 1, multiplier: 1 };
  const own =
    FIELD_COSTS[`${parent}.${field.name}`] ??
    (parent === 'Mutation' || parent === 'Subscription' ? ROOT_OPERATION_COST : 1);
  return { field: own, multiplier: isListType(getNullableType(field.type)) ? LIST_FAN_OUT : 1 };
}
