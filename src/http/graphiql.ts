import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { type Plugin, shouldRenderGraphiQL } from 'graphql-yoga';
import { CSRF_HEADER } from './browser-policy.ts';

interface Page {
  html: string;
  csp: string;
}

let page: Page | undefined;

/**
 * GraphiQL with every script and style inlined from @graphql-yoga/render-graphiql, so it works
 * offline and loads nothing from a CDN. The CSP admits exactly those inline scripts (by hash),
 * the editor's blob: workers, and connections to this origin only.
 */
function graphiqlPage(): Page {
  if (page) return page;
  const html = renderGraphiQL({
    title: 'Wharf GraphiQL',
    // GraphiQL's own requests (including SSE) pass CSRF prevention like any other client.
    additionalHeaders: { [CSRF_HEADER]: '1' },
  });
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (match) =>
      `'sha256-${createHash('sha256')
        .update(match[1] ?? '')
        .digest('base64')}'`,
  );
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    // Monaco adds <style> elements at run time; no hash can name those.
    "style-src 'unsafe-inline'",
    "img-src 'self' data:",
    'font-src data:',
    "connect-src 'self'",
    'worker-src blob:',
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  page = { html, csp };
  return page;
}

/** Serves GraphiQL on GET `endpoint` to browsers (Accept: text/html). */
export function useOfflineGraphiQL(endpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== endpoint || !shouldRenderGraphiQL(request)) return;
      const { html, csp } = graphiqlPage();
      endResponse(
        new fetchAPI.Response(html, {
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp },
        }),
      );
    },
  };
}
