import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, type ConnectionState, savedToken, saveToken } from './api.ts';
import { useRoute } from './route.ts';
import { ContainerPage } from './views/container-page.tsx';
import { ContainersView } from './views/containers.tsx';
import { EnginesPanel } from './views/engines.tsx';
import { Login } from './views/login.tsx';

export interface Me {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  labels: string[];
  engines: string[];
}

const ME = 'query Me { me { name role labels engines } }';

export function App() {
  const [token, setToken] = useState(savedToken());
  const [me, setMe] = useState<Me | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const api = useMemo(() => (token ? new Api(token) : null), [token]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const route = useRoute();

  useEffect(() => {
    if (!api) return undefined;
    const off = api.onState(setConnection);
    api.request<{ me: Me }>(ME).then(
      (result) => {
        if (result.data?.me) {
          setMe(result.data.me);
          return;
        }
        setLoginError(result.errors?.[0]?.message ?? 'login failed');
        saveToken(null);
        setToken(null);
      },
      () => setLoginError('Wharf did not answer'),
    );
    return () => {
      off();
      api.close();
    };
  }, [api]);

  if (!api || !token) {
    return (
      <Login
        error={loginError}
        onLogin={(value) => {
          saveToken(value);
          setLoginError(null);
          setMe(null);
          setToken(value);
        }}
      />
    );
  }
  if (!me) return <p class="loading">Signing in…</p>;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/">
          Wharf
        </a>
        <nav aria-label="Sections">
          <a href="#/" aria-current={route.name === 'containers' ? 'page' : undefined}>
            Containers
          </a>
        </nav>
        <span class={`connection ${connection}`} role="status" data-testid="connection">
          {connection === 'connected' ? 'live' : connection}
        </span>
        <span class="who" data-testid="who">
          {me.name} ({me.role})
        </span>
        <button
          type="button"
          onClick={() => {
            saveToken(null);
            setMe(null);
            setToken(null);
          }}
        >
          Log out
        </button>
      </header>
      <main>
        <EnginesPanel api={api} />
        {route.name === 'container' ? (
          <ContainerPage api={api} id={route.id} />
        ) : (
          <ContainersView api={api} />
        )}
      </main>
    </div>
  );
}
