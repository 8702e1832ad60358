import { applyLiveQueryJSONPatch } from '@n1ru4l/graphql-live-query-patch-json-patch';
import { type Client, createClient } from 'graphql-ws/client';
import type { TypedDocumentString } from './__generated__/graphql.ts';

/*
 * The dashboard's only way to Wharf: its public GraphQL API, with the user's token in the
 * Authorization header (HTTP) and in connection_init (WebSocket), never in a URL.
 */

const TOKEN_KEY = 'wharf.token';

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; rule?: string; engine?: string };
}

export interface Result<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

/**
 * The variables an operation takes: optional when it needs none (or only optional ones), so
 * `api.request(ME)` reads as it should and a required variable left out fails typecheck.
 */
export type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/**
 * Wharf closed a stream because this page fell behind it (SLOW_CONSUMER): it is asked again (a
 * subscription from now, a live query whole), and the user is told something may have been missed.
 */
export type Notice = 'slow-consumer';

function isSlowConsumer(errors: GraphQLError[] | undefined): boolean {
  return errors?.some((error) => error.extensions?.code === 'SLOW_CONSUMER') ?? false;
}

/** Codes that end a stream for good: asking again would get the same answer. */
const FINAL = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND']);

export class Api {
  readonly ws: Client;
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private readonly noticeListeners = new Set<(notice: Notice) => void>();
  state: ConnectionState = 'connecting';

  private readonly token: string;

  constructor(token: string) {
    this.token = token;
    this.ws = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5_000)));
      },
      on: {
        connected: () => this.setState('connected'),
        closed: () => this.setState(this.state === 'connecting' ? 'connecting' : 'reconnecting'),
      },
    });
  }

  private setState(state: ConnectionState) {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  /** What the page should tell the user about its streams (`slow-consumer`: one was resumed). */
  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  private notify(notice: Notice) {
    for (const listener of this.noticeListeners) listener(notice);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A query or mutation over HTTP: the CSRF header yoga asks of every browser request. */
  async request<T, V>(
    document: TypedDocumentString<T, V>,
    ...[variables]: VariablesArg<V>
  ): Promise<Result<T>> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${this.token}`,
        'x-graphql-yoga-csrf': '1',
      },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
    return (await response.json()) as Result<T>;
  }

  /**
   * A subscription, or an `@live` query (its updates come as JSON Patches, applied here). Ends
   * with `onEnd` (an error, or the server completing it); a dropped socket resubscribes.
   */
  stream<T, V>(
    document: TypedDocumentString<T, V>,
    variables: V,
    onResult: (result: Result<T>) => void,
    onEnd: (errors?: GraphQLError[]) => void = () => {},
  ): () => void {
    let stopped = false;
    const query = document.toString();
    const live = /@live\b/.test(query);
    const run = async () => {
      while (!stopped) {
        const source = this.ws.iterate<T>({
          query,
          variables: variables as Record<string, unknown>,
          ...(live && { extensions: { livePatch: 'json-patch' } }),
        });
        stop = () => void source.return?.();
        try {
          const results = live ? applyLiveQueryJSONPatch(source) : source;
          let fellBehind = false;
          for await (const result of results as AsyncIterable<Result<T>>) {
            if (stopped) break;
            fellBehind = isSlowConsumer(result.errors);
            if (fellBehind) break;
            onResult(result);
          }
          if (fellBehind) {
            this.notify('slow-consumer');
            continue;
          }
          if (!stopped) onEnd();
          return;
        } catch (error) {
          if (stopped) return;
          const errors = Array.isArray(error) ? (error as GraphQLError[]) : undefined;
          if (isSlowConsumer(errors)) {
            this.notify('slow-consumer');
            continue;
          }
          if (errors?.some((e) => FINAL.has(e.extensions?.code ?? ''))) {
            onEnd(errors);
            return;
          }
          // A closed socket (engine or Wharf restarting): the client reconnects; ask again.
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    };
    let stop = () => {};
    void run();
    return () => {
      stopped = true;
      stop();
    };
  }

  close(): void {
    void this.ws.dispose();
  }
}
