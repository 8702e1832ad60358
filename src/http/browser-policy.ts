/**
 * What a browser may do with Wharf. The Docker socket is root on the host, so every default
 * refuses: no CORS, no foreign origin, no host name but loopback and the listen address.
 */
export interface BrowserPolicy {
  /** Host names, besides loopback and the listen address, that clients may use (WHARF_PUBLIC_HOSTS). */
  publicHosts: readonly string[];
  /** Origins allowed to call Wharf from a page (CORS), matched exactly (WHARF_CORS_ORIGINS). */
  corsOrigins: readonly string[];
  /** Let those origins send cookies and HTTP authentication (WHARF_CORS_CREDENTIALS). */
  corsCredentials: boolean;
  /** Serve GraphiQL to browsers on GET /graphql (WHARF_GRAPHIQL). */
  graphiql: boolean;
  /** Serve the dashboard at /ui/ (WHARF_UI). */
  ui: boolean;
}

export const DEFAULT_BROWSER_POLICY: BrowserPolicy = {
  publicHosts: [],
  corsOrigins: [],
  corsCredentials: false,
  graphiql: true,
  ui: true,
};

/**
 * A header no page can add to a request without a CORS preflight; yoga's CSRF prevention requires
 * it on every request a browser could send without one (GET, including SSE over GET).
 */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';
