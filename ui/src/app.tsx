import { useEffect, useMemo, useState } from 'preact/hooks';
import { graphql } from './__generated__/gql.ts';
import type { MeQuery } from './__generated__/graphql.ts';
import { Api, type ConnectionState, savedToken, saveToken } from './api.ts';
import { type Route, type Section, useRoute } from './route.ts';
import { ContainerPage } from './views/container-page.tsx';
import { ContainersView } from './views/containers.tsx';
import { DiskUsageView } from './views/disk-usage.tsx';
import { EnginesPanel } from './views/engines.tsx';
import { EventsView } from './views/events.tsx';
import { ImagesView } from './views/images.tsx';
import { Login } from './views/login.tsx';
import { NetworksView } from './views/networks.tsx';
import { VolumesView } from './views/volumes.tsx';

export type Me = MeQuery['me'];

const ME = graphql(`query Me { me { name role labels engines } }`);

const NAV: [Section, string][] = [
  ['containers', 'Containers'],
  ['events', 'Events'],
  ['images', 'Images'],
  ['networks', 'Networks'],
  ['volumes', 'Volumes'],
  ['disk', 'Disk usage'],
];

function View(props: { api: Api; route: Route; me: Me }) {
  const { api, route } = props;
  switch (route.name) {
    case 'container':
      return <ContainerPage api={api} id={route.id} me={props.me} />;
    case 'events':
      return <EventsView api={api} />;
    case 'images':
      return <ImagesView api={api} />;
    case 'networks':
      return <NetworksView api={api} />;
    case 'volumes':
      return <VolumesView api={api} />;
    case 'disk':
      return <DiskUsageView api={api} />;
    default:
      return <ContainersView api={api} />;
  }
}

export function App() {
  const [token, setToken] = useState(savedToken());
  const [me, setMe] = useState<Me | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  const api = useMemo(() => (token ? new Api(token) : null), [token]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [behind, setBehind] = useState(false);
  const route = useRoute();

  useEffect(() => {
    if (!api) return undefined;
    const off = api.onState(setConnection);
    const offNotice = api.onNotice(() => setBehind(true));
    api.request(ME).then(
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
      offNotice();
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
          {NAV.map(([section, title]) => (
            <a
              key={section}
              href={`#/${section}`}
              aria-current={route.name === section ? 'page' : undefined}
            >
              {title}
            </a>
          ))}
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
      {behind && (
        <p class="notice" role="status" data-testid="slow-consumer">
          An update stream was closed because this page fell behind (SLOW_CONSUMER); it was resumed,
          and some updates in between may not be shown.{' '}
          <button type="button" onClick={() => setBehind(false)}>
            Dismiss
          </button>
        </p>
      )}
      <main>
        <EnginesPanel api={api} />
        <View api={api} route={route} me={me} />
      </main>
    </div>
  );
}
