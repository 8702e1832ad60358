import { useCallback, useEffect, useState } from 'preact/hooks';
import type { TypedDocumentString } from './__generated__/graphql.ts';
import type { Api, GraphQLError, VariablesArg } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  errors: GraphQLError[];
}

/** An `@live` query's latest result: the server sends it again (as patches) when it changes. */
export function useLive<T, V>(
  api: Api,
  query: TypedDocumentString<T, V>,
  ...[variables]: VariablesArg<V>
) {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, errors: [] });
  const key = JSON.stringify(variables ?? {});
  useEffect(
    () =>
      api.stream(
        query,
        JSON.parse(key) as V,
        (result) =>
          setState((old) => ({ data: result.data ?? old.data, errors: result.errors ?? [] })),
        (ended) => ended && setState((old) => ({ ...old, errors: ended })),
      ),
    [api, query, key],
  );
  return state;
}

/** A plain query, asked once and again on `reload`: for what costs too much to keep live. */
export function useQuery<T, V>(
  api: Api,
  query: TypedDocumentString<T, V>,
  ...[variables]: VariablesArg<V>
) {
  const [state, setState] = useState<Loaded<T> & { loading: boolean }>({
    data: undefined,
    errors: [],
    loading: true,
  });
  const key = JSON.stringify(variables ?? {});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((old) => ({ ...old, loading: true }));
    api.request(query, ...([JSON.parse(key)] as VariablesArg<V>)).then(
      (result) =>
        current &&
        setState({ data: result.data ?? undefined, errors: result.errors ?? [], loading: false }),
      () =>
        current &&
        setState((old) => ({
          ...old,
          errors: [{ message: 'Wharf did not answer' }],
          loading: false,
        })),
    );
    return () => {
      current = false;
    };
  }, [api, query, key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
