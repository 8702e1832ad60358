/**
 * Builds the dashboard (ui/) into ui/dist with esbuild: one script, one stylesheet and the page.
 * `npm ci` runs it (prepare), as do `npm start` and `npm run check`.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('../ui/', import.meta.url);
const dist = new URL('dist/', root);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: { app: new URL('src/main.tsx', root).pathname },
  outdir: dist.pathname,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'chrome120',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(new URL('index.html', root), new URL('index.html', dist));
