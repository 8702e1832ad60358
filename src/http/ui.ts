import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:ui` writes the dashboard (scripts/build-ui.ts). */
export const UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The dashboard's own files and this origin only: no inline script, no CDN, no frames.
 * `connect-src 'self'` admits this origin's WebSocket too.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Inline styles only: xterm.js (the exec terminal) writes its cell sizes and colours into
  // <style> elements it creates at run time, and takes no nonce. Scripts stay 'self' only.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** A file under /ui/, or undefined for a path that climbs out or names no known type. */
function fileOf(pathname: string): string | undefined {
  const rest = pathname === '/ui' || pathname === '/ui/' ? 'index.html' : pathname.slice(4);
  const path = normalize(join(UI_DIST, rest));
  if (!path.startsWith(UI_DIST) || !TYPES[extname(path)]) return undefined;
  return path;
}

/**
 * Serves the dashboard (ui/) at /ui/ and sends `/` there: static files only, read from disk on
 * each request (they are small), every one with the dashboard's CSP. The page talks to /graphql
 * like any client, with the token the user typed.
 */
export function withUiRoutes(next: RequestListener): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://wharf');
    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(302, { location: '/ui/' });
      res.end();
      return;
    }
    if (url.pathname !== '/ui' && !url.pathname.startsWith('/ui/')) {
      next(req, res);
      return;
    }
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileOf(url.pathname) : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)],
          'content-length': body.length,
          'content-security-policy': CSP,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: NodeJS.ErrnoException) => {
        const built = error.code !== 'ENOENT' || !file.endsWith('index.html');
        res.writeHead(built ? 404 : 503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(built ? 'not found' : 'the dashboard is not built: run npm run build:ui');
      },
    );
  };
}
