/**
 * Builds the dashboard (ui/) into ui/dist with esbuild: one script, one stylesheet and the page.
 * `npm ci` runs it (prepare), as do `npm start`, `npm run check` and the tests' global setup.
 * Each file is replaced whole (written aside, then renamed), so a Wharf serving ui/dist while it
 * builds never sends a missing or half-written file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../ui/', import.meta.url);
const dist = new URL('dist/', root);

async function replace(name: string, contents: Uint8Array | string): Promise<void> {
  const aside = new URL(`.${name}.${process.pid}`, dist);
  await writeFile(aside, contents);
  await rename(aside, new URL(name, dist));
}

await mkdir(dist, { recursive: true });
const { outputFiles } = await build({
  entryPoints: { app: new URL('src/main.tsx', root).pathname },
  outdir: dist.pathname,
  write: false,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'chrome120',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of outputFiles) await replace(basename(file.path), file.contents);
await replace('index.html', await readFile(new URL('index.html', root)));
