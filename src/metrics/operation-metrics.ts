import { Counter, Histogram, type Registry } from 'prom-client';
import type { OperationRecord } from '../access-log.ts';
import type { AuditSink } from '../audit.ts';
import type { WharfCode } from '../engine/errors.ts';
import { boundedLabel } from './bounded-labels.ts';

/** Distinct operation names kept as label values; clients choose them, so later ones are `other`. */
const MAX_OPERATION_NAMES = 200;
const MAX_RULES = 64;
const MAX_CODES = 64;

/** Codes of a limit's refusal, as the rule they are counted under. */
const LIMIT_RULES: Partial<Record<WharfCode, string>> = {
  COST_LIMIT: 'limit.cost',
  ENGINE_CALL_LIMIT: 'limit.engine-calls',
  QUERY_TIMEOUT: 'limit.query-timeout',
  RESPONSE_TOO_LARGE: 'limit.response-size',
  TOO_MANY_STREAMS: 'limit.streams',
  SLOW_CONSUMER: 'limit.slow-consumer',
};

export interface OperationMetrics {
  /** The access log's record of each operation that ended (useAccessLog's `onEnd`). */
  ended(record: OperationRecord): void;
  /** The same sink, counting every refusal it records (`deny` lines) by rule. */
  countingRefusals(sink: AuditSink): AuditSink;
}

/**
 * Operations by name, type, transport and result code (`ok`, or the first error's
 * `extensions.code`), with their durations (a subscription's: its whole life); refusals by rule:
 * every denial an audit line records (roles, tokens, the create policy, tenancy) and every
 * operation a limit refused.
 */
export function operationMetrics(registry: Registry): OperationMetrics {
  const registers = [registry];
  const operationName = boundedLabel(MAX_OPERATION_NAMES, /^[_A-Za-z][_0-9A-Za-z]{0,99}$/);
  const rule = boundedLabel(MAX_RULES, /^[a-z]+(\.[a-z0-9-]+)+$/);
  const code = boundedLabel(MAX_CODES, /^[A-Z][A-Z_]{0,49}$|^ok$/);
  const operations = new Histogram({
    name: 'wharf_graphql_operation_duration_seconds',
    help: 'GraphQL operations that ended, by name, type, transport and result code',
    labelNames: ['operation', 'type', 'transport', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers,
  });
  const refusals = new Counter({
    name: 'wharf_refusals_total',
    help: 'Requests and operations refused, by the rule or limit that refused them',
    labelNames: ['rule'],
    registers,
  });
  return {
    ended(record) {
      operations.observe(
        {
          operation: record.operation === null ? 'anonymous' : operationName(record.operation),
          type: record.type ?? 'unknown',
          transport: record.transport,
          code: code(record.code),
        },
        record.durationMs / 1000,
      );
      // Once per operation and limit, however many of its fields the limit cut off.
      for (const errorCode of Object.keys(record.codes)) {
        const limit = LIMIT_RULES[errorCode as WharfCode];
        if (limit) refusals.inc({ rule: limit });
      }
    },
    countingRefusals: (sink) => (actor, entry) => {
      if (entry.decision === 'deny') refusals.inc({ rule: rule(entry.rule ?? 'unknown.rule') });
      sink(actor, entry);
    },
  };
}
