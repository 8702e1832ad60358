/** A Host header: a name or IP literal and an optional port; no user info, path or spaces. */
const HOST_HEADER = /^(?:\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d{1,5})?$/i;

/** The host name of a Host header, normalised as a browser writes it; undefined when malformed. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader || !HOST_HEADER.test(hostHeader)) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

/** A WHARF_LISTEN host (IPv6 without brackets) or a WHARF_PUBLIC_HOSTS entry, as a host name. */
export function listenHostName(host: string): string | undefined {
  return hostName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
}

/**
 * Names that reach only this machine. A DNS-rebinding page has the attacker's name in its Host,
 * never one of these, because browsers resolve them locally.
 */
export function isLoopbackName(name: string | undefined): boolean {
  return (
    name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name ?? '')
  );
}

/** Wildcard binds name no host a client would type; they never widen the Host allowlist. */
const WILDCARDS = new Set(['0.0.0.0', '[::]']);

/**
 * Whether a Host header names this Wharf: loopback, the listen address, or a public host name.
 * Anything else is a rebinding attack or a misdirected request. The port does not matter: the
 * attacker controls names, not which port the browser connects to.
 */
export function createHostCheck(
  publicHosts: readonly string[],
  listenHost: () => string | undefined,
): (hostHeader: string | undefined) => boolean {
  const allowed = new Set(publicHosts.map((host) => listenHostName(host)));
  return (hostHeader) => {
    const name = hostName(hostHeader);
    if (name === undefined) return false;
    if (isLoopbackName(name) || allowed.has(name)) return true;
    const listen = listenHost();
    const listenName = listen === undefined ? undefined : listenHostName(listen);
    return listenName === name && !WILDCARDS.has(name);
  };
}
