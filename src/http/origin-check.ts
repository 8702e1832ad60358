/**
 * Whether a request's Origin may be served: absent (not a browser, or a same-origin GET), the
 * origin of the Host it was sent to (GraphiQL on this Wharf), or listed in WHARF_CORS_ORIGINS
 * (exact match). `null` (sandboxed frames, file: pages) is never allowed.
 */
export function createOriginCheck(
  corsOrigins: readonly string[],
): (origin: string | undefined, hostHeader: string | undefined) => boolean {
  const allowed = new Set(corsOrigins);
  return (origin, hostHeader) =>
    origin === undefined || allowed.has(origin) || isSameOrigin(origin, hostHeader);
}

function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  const url = parseUrl(origin);
  // A browser writes an Origin as scheme://host[:port] exactly; anything else is forged.
  if (!url || url.origin !== origin || !['http:', 'https:'].includes(url.protocol)) return false;
  return parseUrl(`${url.protocol}//${hostHeader}`)?.host === url.host;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Whether a WHARF_CORS_ORIGINS entry is an origin a browser could send (scheme://host[:port]). */
export function isOrigin(value: string): boolean {
  const url = parseUrl(value);
  return url !== undefined && url.origin === value && ['http:', 'https:'].includes(url.protocol);
}
