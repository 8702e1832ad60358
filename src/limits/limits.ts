/** What one GraphQL operation may ask of Wharf and the engine. Every value has a variable. */
export type QueryLimits = {
  /** WHARF_MAX_DEPTH: nesting of selections. */
  maxDepth: number;
  /** WHARF_MAX_ALIASES: aliases in one document. */
  maxAliases: number;
  /** WHARF_MAX_TOKENS: lexical tokens in one document, counted while parsing. */
  maxTokens: number;
  /** WHARF_MAX_ROOT_MUTATIONS: mutation fields one document may run. */
  maxRootMutations: number;
  /** WHARF_MAX_COST: estimated cost (list fan-out × engine-backed fields), before execution. */
  maxCost: number;
  /** WHARF_MAX_ENGINE_CALLS: engine calls of one operation (or one subscription event). */
  maxEngineCalls: number;
  /** WHARF_MAX_RESPONSE_BYTES: one result as serialized JSON. */
  maxResponseBytes: number;
  /** WHARF_QUERY_TIMEOUT_MS: deadline of one query or mutation (of one event's resolution). */
  queryTimeoutMs: number;
  /** WHARF_MAX_LOG_BYTES: `Container.logs` text, JSON-escaped, for one container. */
  maxLogBytes: number;
  /** WHARF_MAX_FILE_BYTES: a file read (`containerFile`) or written (`containerFileWrite`). */
  maxFileBytes: number;
  /** WHARF_MAX_DIR_SCAN_BYTES: the engine's tar of a directory read to list it. */
  maxDirScanBytes: number;
};

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<QueryLimits> = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 5000,
  maxRootMutations: 10,
  maxCost: 10_000,
  maxEngineCalls: 200,
  maxResponseBytes: 16 * MiB,
  queryTimeoutMs: 30_000,
  maxLogBytes: MiB,
  maxFileBytes: MiB,
  maxDirScanBytes: 64 * MiB,
};

/** The variable that sets each limit, for loadConfig, the CLI help and messages. */
export const LIMIT_VARIABLES: Readonly<Record<keyof QueryLimits, string>> = {
  maxDepth: 'WHARF_MAX_DEPTH',
  maxAliases: 'WHARF_MAX_ALIASES',
  maxTokens: 'WHARF_MAX_TOKENS',
  maxRootMutations: 'WHARF_MAX_ROOT_MUTATIONS',
  maxCost: 'WHARF_MAX_COST',
  maxEngineCalls: 'WHARF_MAX_ENGINE_CALLS',
  maxResponseBytes: 'WHARF_MAX_RESPONSE_BYTES',
  queryTimeoutMs: 'WHARF_QUERY_TIMEOUT_MS',
  maxLogBytes: 'WHARF_MAX_LOG_BYTES',
  maxFileBytes: 'WHARF_MAX_FILE_BYTES',
  maxDirScanBytes: 'WHARF_MAX_DIR_SCAN_BYTES',
};
