import type { Principal } from './auth/principal.ts';

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
export type AuditSink = (principal: Principal, entry: AuditEntry) => void;
