import { useEffect, useState } from 'preact/hooks';

/** The sections of the page; a container's page names it by global id. */
export const SECTIONS = ['containers', 'events', 'images', 'networks', 'volumes', 'disk'] as const;
export type Section = (typeof SECTIONS)[number];

export type Route = { name: Section } | { name: 'container'; id: string };

/** Routes live in the hash: the page is one static file, and the token is never in a URL. */
function parse(hash: string): Route {
  const match = /^#\/containers\/(.+)$/.exec(hash);
  if (match?.[1]) return { name: 'container', id: decodeURIComponent(match[1]) };
  const section = SECTIONS.find((name) => hash === `#/${name}`);
  return { name: section ?? 'containers' };
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
