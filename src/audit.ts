import { AsyncLocalStorage } from 'node:async_hooks';
import { fsyncSync, openSync, writeSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { type Actor, ANONYMOUS, type Principal } from './auth/principal.ts';
import type { Logger } from './log.ts';

/** One decision Wharf took for a principal: a mutation, a denial, or an exec session's start or end. */
export interface AuditEntry {
  /** e.g. `containerCreate`, `execSession.start`. */
  operation: string;
  decision: 'allow' | 'deny';
  /** The rule that decided a denial (e.g. `create.privileged`, `role.operator`). */
  rule?: string;
  /** Engine and full ids of what was acted on, when known. */
  targets?: readonly string[];
  /** Facts without secrets (e.g. an exit code); never env values, tokens or query text. */
  details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Where audit lines go (set by the gateway: WHARF_AUDIT_FILE, or the log with `audit: true`). */
export type AuditSink = (actor: Actor, entry: AuditEntry) => void;

/*
 * Who writes which line (so that one decision is one line, never two):
 * - Every root field of Mutation writes exactly one line when it settles (src/graphql/audited-fields.ts):
 *   `allow` when it ran (a failure that is not a denial adds `details.error` = its code), `deny`
 *   for a FORBIDDEN or UNAUTHENTICATED error, with `rule` from the error's `extensions.rule`.
 *   Except execInput: it acts inside an exec session, so only its denials are lines; the
 *   session's end line counts what it took (`details.inputs`, `details.inputBytes`).
 * - A FORBIDDEN or UNAUTHENTICATED error thrown by a root field of Query or Subscription (its
 *   resolve or subscribe) writes one `deny` line there too.
 * - A denial thrown by a nested field (below a root field) writes one `deny` line per field path
 *   and operation, its `operation` the path without list indices (useNestedDenialAudit).
 * - Exec sessions (execAttach, one-shot exec) write `execSession.start` once the process runs and
 *   `execSession.end` with its exit code, or with `error` when cut off (src/model/exec.ts).
 * - A refusal at the door (HTTP 401, a WebSocket closed with 4401/4403, an operation on a socket
 *   whose token was revoked) writes one `deny` line for the anonymous actor, operation
 *   `authenticate`, rule `auth.missing`, `auth.invalid` or `auth.token-in-url` (auditRefusal).
 * So a part that denies by throwing ForbiddenError/UnauthenticatedError inside a field (scope-
 * auth, the create policy, an exec owner check) must NOT call `audit` as well. `audit(ctx, …)` is
 * for decisions no field throws. Targets: a write names what it acts on with `auditTarget`
 * (`writeTo` does it for every write by ref); argument values never reach a line.
 */

/** What writing an audit line needs of the request's context. */
export interface AuditContext {
  principal: Principal;
  audit: AuditSink;
}

/** Writes one line through the context's sink (the gateway puts it there). */
export function audit(ctx: AuditContext, entry: AuditEntry): void {
  ctx.audit(ctx.principal, entry);
}

/** The JSON object of one line: no field is ever an argument value. */
export function auditRecord(actor: Actor, entry: AuditEntry) {
  return {
    time: new Date().toISOString(),
    principal: actor.name,
    role: actor.role,
    // A restricted token's engines: what it was allowed to reach when this was decided.
    ...(actor.kind === 'token' && actor.engines && { engines: actor.engines }),
    operation: entry.operation,
    decision: entry.decision,
    ...(entry.rule !== undefined && { rule: entry.rule }),
    ...(entry.targets && entry.targets.length > 0 && { targets: entry.targets }),
    ...(entry.details && { details: entry.details }),
  };
}

/**
 * Lines in the log as `"audit": true`. Its own logger: audit lines must not be dropped by
 * WHARF_LOG_LEVEL or WHARF_LOG_RATE, so give it one without a rate and at `info`.
 */
export function logAuditSink(logger: Logger): AuditSink {
  return (principal, entry) => {
    const { time: _logged, ...record } = auditRecord(principal, entry);
    logger.info('audit', { audit: true, ...record });
  };
}

/**
 * Lines appended to their own file (opened with O_APPEND, mode 0600), each written whole and
 * fsynced before the call returns: a crash loses no line that was written. Opening fails loudly
 * (the CLI refuses to start). A line that cannot be written later is not dropped: it goes to the
 * log at `error` with the failure. The operation it records has already happened by then, so
 * failing it would tell the client a lie; the log line is what the operator must notice.
 */
export function fileAuditSink(path: string, logger: Logger): AuditSink {
  const fd = openSync(path, 'a', 0o600);
  return (principal, entry) => {
    const record = auditRecord(principal, entry);
    try {
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      for (let offset = 0; offset < line.length; ) {
        offset += writeSync(fd, line, offset);
      }
      fsyncSync(fd);
    } catch (error) {
      logger.error('audit file write failed; the audit line is in this log line instead', {
        error,
        audit: true,
        ...record,
      });
    }
  };
}

/**
 * A refusal at the door, before any principal is known: HTTP 401, a WebSocket closed with
 * 4401/4403, an operation on a socket whose token was revoked. One `deny` line for the anonymous
 * actor with the rule; nothing of the credentials presented (not even a prefix) reaches it.
 */
export function auditRefusal(sink: AuditSink, rule: string, transport: 'http' | 'websocket'): void {
  sink(ANONYMOUS, { operation: 'authenticate', decision: 'deny', rule, details: { transport } });
}

/** The code an error is reported with (WharfError and coded GraphQL errors), else INTERNAL. */
export function auditCode(error: unknown): string {
  for (let e: unknown = error; e instanceof GraphQLError; e = e.originalError) {
    if (typeof e.extensions.code === 'string') return e.extensions.code;
  }
  if (error instanceof Error && error.name === 'AbortError') return 'CLIENT_GONE';
  return 'INTERNAL_SERVER_ERROR';
}

/** The rule a denial names (`extensions.rule`, set by ForbiddenError). */
export function auditRule(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof GraphQLError; e = e.originalError) {
    if (typeof e.extensions.rule === 'string') return e.extensions.rule;
  }
  return undefined;
}

const DENIALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

export function isDenial(code: string): boolean {
  return DENIALS.has(code);
}

/** The targets of the mutation root field running now (one store per field, see audited-fields). */
const targetsOfField = new AsyncLocalStorage<Set<string>>();

/** Runs one mutation root field; the targets its writes name are added to `targets`. */
export function collectingTargets<T>(targets: Set<string>, run: () => T): T {
  return targetsOfField.run(targets, run);
}

/** Names what the running mutation acts on (engine and full id); a no-op outside a mutation. */
export function auditTarget(engine: string, id: string): void {
  targetsOfField.getStore()?.add(`${engine}/${id}`);
}

/**
 * An exec session's two lines: `execSession.start` now, and `execSession.end` from the function
 * returned (the first call only: later ones are no-ops, so every way out may call it).
 */
export function auditSession(
  ctx: AuditContext,
  targets: readonly string[],
  details: AuditEntry['details'],
): (end: NonNullable<AuditEntry['details']>) => void {
  audit(ctx, {
    operation: 'execSession.start',
    decision: 'allow',
    targets,
    ...(details && { details }),
  });
  let ended = false;
  return (end) => {
    if (ended) return;
    ended = true;
    audit(ctx, {
      operation: 'execSession.end',
      decision: 'allow',
      targets,
      details: { ...details, ...end },
    });
  };
}
