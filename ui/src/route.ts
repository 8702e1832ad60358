import { useEffect, useState } from 'preact/hooks';

export type Route = { name: 'containers' } | { name: 'container'; id: string };

/** Routes live in the hash: the page is one static file, and the token is never in a URL. */
function parse(hash: string): Route {
  const match = /^#\/containers\/(.+)$/.exec(hash);
  return match?.[1]
    ? { name: 'container', id: decodeURIComponent(match[1]) }
    : { name: 'containers' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse(location.hash));
  useEffect(() => {
    const update = () => setRoute(parse(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const containerHref = (id: string) => `#/containers/${encodeURIComponent(id)}`;
