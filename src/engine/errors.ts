import { GraphQLError } from 'graphql';

/**
 * Every code a WharfError carries: what clients see in `extensions.code`. Refusals answered before
 * GraphQL runs (UNKNOWN_HOST, FORBIDDEN_ORIGIN, UNSUPPORTED_MEDIA_TYPE) are not WharfErrors.
 */
export type WharfCode =
  // The client's input, or the state it asked about.
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'AMBIGUOUS_REF'
  // Who is asking: no valid token, or one whose role or rules refuse this.
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  // The engine's side.
  | 'ENGINE_UNAVAILABLE'
  | 'ENGINE_BUSY'
  | 'ENGINE_UNSUPPORTED'
  | 'ENGINE_ERROR'
  | 'PULL_FAILED'
  | 'PUSH_FAILED'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'STREAM_DECODE_ERROR'
  // Limits on one operation or stream, and its end.
  | 'COST_LIMIT'
  | 'RATE_LIMITED'
  | 'ENGINE_CALL_LIMIT'
  | 'QUERY_TIMEOUT'
  | 'RESPONSE_TOO_LARGE'
  | 'TOO_MANY_STREAMS'
  | 'SLOW_CONSUMER'
  | 'CLIENT_GONE';

/** Facts meant for clients besides the code, such as the id of a container left behind. */
type ClientFacts = Readonly<Record<string, string | number | boolean>>;

interface WharfErrorOptions extends ErrorOptions {
  facts?: ClientFacts;
  /** The HTTP answer yoga gives when this error ends a request; yoga strips it from the body. */
  http?: { status: number; headers?: Record<string, string> };
}

/**
 * Every failure Wharf reports carries a stable code. It is a GraphQLError whose `extensions` are
 * the code and the facts, and nothing else (no stack, no socket path, not the cause): the mask
 * lets it through as it is, and yoga counts it as expected. The cause stays on the server.
 */
export class WharfError extends GraphQLError {
  readonly code: WharfCode;
  declare readonly extensions: ClientFacts & { readonly code: WharfCode };

  constructor(
    code: WharfCode,
    message: string,
    { facts, http, ...options }: WharfErrorOptions = {},
  ) {
    // `code` last: no fact can replace it.
    super(message, { extensions: { ...facts, ...(http && { http }), code } });
    this.name = new.target.name;
    this.code = code;
    // As Error's own stack: from where it was thrown, without the constructors.
    Error.captureStackTrace(this, new.target);
    // GraphQLError takes no cause; kept like Error's own (not enumerable, so never serialized).
    if ('cause' in options) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        writable: true,
        configurable: true,
      });
    }
  }
}

/** Input rejected before or by the engine (engine 400, malformed filter, bad cursor). */
export class BadUserInputError extends WharfError {
  constructor(message: string, options?: ErrorOptions) {
    super('BAD_USER_INPUT', message, options);
  }
}

/** Refused by a rule (role or create policy); the rule's name is in the message and in `rule`. */
export class ForbiddenError extends WharfError {
  readonly rule: string;

  constructor(rule: string, message: string) {
    super('FORBIDDEN', `${message} (rule ${rule})`, { facts: { rule } });
    this.rule = rule;
  }
}

/** No token, or one that matches no entry of the tokens file: HTTP 401. */
export class UnauthenticatedError extends WharfError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message, {
      http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
    });
  }
}

/** The engine could not be reached, refused the connection or missed the deadline. */
export class EngineUnavailableError extends WharfError {
  constructor(message: string, options?: ErrorOptions) {
    super('ENGINE_UNAVAILABLE', message, options);
  }
}

/** An engine answer with an HTTP error status. `statusCode` and the engine's own message are kept. */
export class EngineError extends WharfError {
  readonly statusCode: number;

  constructor(code: WharfCode, statusCode: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.statusCode = statusCode;
  }
}

export class EngineBadRequestError extends EngineError {
  constructor(message: string) {
    super('BAD_USER_INPUT', 400, message);
  }
}

export class EngineNotFoundError extends EngineError {
  constructor(message: string) {
    super('NOT_FOUND', 404, message);
  }
}

export class EngineConflictError extends EngineError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFLICT', 409, message, options);
  }
}

/**
 * What the engine says when an id prefix matches several objects: containers (500 on 20.10, 400
 * later) and networks (400) word it differently.
 */
const AMBIGUOUS_MESSAGE =
  /^(multiple ids found with provided prefix: |\d+ matches found based on id prefix: )/i;

export function engineErrorFromStatus(statusCode: number, message: string): EngineError {
  if ((statusCode === 400 || statusCode === 500) && AMBIGUOUS_MESSAGE.test(message)) {
    return new EngineError('AMBIGUOUS_REF', statusCode, message);
  }
  switch (statusCode) {
    case 400:
      return new EngineBadRequestError(message);
    case 404:
      return new EngineNotFoundError(message);
    case 409:
      return new EngineConflictError(message);
    default:
      return new EngineError('ENGINE_ERROR', statusCode, message);
  }
}

/** Socket-level failures that mean "no engine there", as opposed to a bug in Wharf. */
const UNAVAILABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPIPE',
  'ENOTSOCK',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  // An ssh:// engine's channel ended: the ssh connection dropped or dial-stdio failed.
  'WHARF_SSH_CHANNEL_LOST',
]);

export function isUnavailableCause(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (e.name === 'TimeoutError') return true;
  }
  return false;
}

/**
 * A step after create failed and removing the container again failed too: it is still on the
 * engine. The client gets the first failure's code with the id in `orphanedId`; the server log
 * gets both causes (`cause` is the failure, `undoError` why the removal failed).
 */
export class OrphanedContainerError extends WharfError {
  readonly orphanedId: string;
  readonly undoError: unknown;

  constructor(orphanedId: string, failure: unknown, undoError: unknown) {
    const wharf = failure instanceof WharfError ? failure : undefined;
    super(
      wharf?.code ?? 'ENGINE_ERROR',
      `${wharf?.message ?? 'unexpected error'}; container ${orphanedId} was created and could not be removed again`,
      { cause: failure, facts: { ...wharf?.extensions, orphanedId } },
    );
    this.orphanedId = orphanedId;
    this.undoError = undoError;
  }
}

/** Over a cap on open streams (engine streams, or subscriptions per socket or per client). */
export class TooManyStreamsError extends WharfError {
  constructor(message: string) {
    super('TOO_MANY_STREAMS', message);
  }
}

/** A client that cannot keep up (a subscriber's queue full, a download unread) is cut off. */
export class SlowConsumerError extends WharfError {
  constructor(message: string) {
    super('SLOW_CONSUMER', message);
  }
}

/** A short engine call waited its whole deadline for a free connection and was never sent. */
export class EngineBusyError extends WharfError {
  constructor(message: string) {
    super('ENGINE_BUSY', message);
  }
}

/**
 * An operation over one of the query limits (depth, aliases, tokens, root mutations, cost),
 * refused before anything runs. The message names the limit; numbers only outside production.
 */
export class CostLimitError extends WharfError {
  constructor(message: string) {
    super('COST_LIMIT', message);
  }
}

/**
 * A token over its mutation rate (WHARF_MUTATION_RATE), refused before anything runs: HTTP 429,
 * with `Retry-After` and `retryAfterSeconds` the most it has to wait.
 */
export class RateLimitedError extends WharfError {
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message, {
      facts: { retryAfterSeconds },
      http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
    });
  }
}

/** The operation made more engine calls than one operation may (WHARF_MAX_ENGINE_CALLS). */
export class EngineCallLimitError extends WharfError {
  constructor(message: string) {
    super('ENGINE_CALL_LIMIT', message);
  }
}

/** The operation ran past its deadline (WHARF_QUERY_TIMEOUT_MS); its engine calls were aborted. */
export class QueryTimeoutError extends WharfError {
  constructor(message: string) {
    super('QUERY_TIMEOUT', message);
  }
}

/** The answer would be larger than one result may be (WHARF_MAX_RESPONSE_BYTES, logs byte cap). */
export class ResponseTooLargeError extends WharfError {
  constructor(message: string) {
    super('RESPONSE_TOO_LARGE', message);
  }
}

/** The client went away (HTTP abort, WebSocket `complete` or close): its operation is abandoned. */
export class ClientGoneError extends WharfError {
  constructor() {
    super('CLIENT_GONE', 'the client closed the operation');
  }
}
