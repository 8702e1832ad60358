import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../helpers/processes.ts';

const run = promisify(execFile);
const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wharf-auth-cli-'));
const A = 'token-a-0123456789abcdef';
const B = 'token-b-0123456789abcdef';

function tokensFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(env: Record<string, string>) {
  try {
    await run(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, WHARF_LISTEN: '127.0.0.1:0', ...env },
    });
  } catch (error) {
    return error as { code: number; stderr: string };
  }
  throw new Error('wharf serve started');
}

describe('wharf serve with WHARF_TOKENS_FILE', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('refuses a malformed tokens file and a plain-HTTP remote engine with exit code 2', async () => {
    const [bad, missing, tcp] = await Promise.all([
      refusal({
        WHARF_TOKENS_FILE: tokensFile(
          'bad.json',
          JSON.stringify([{ name: 'ci', role: 'root', token: A }]),
        ),
      }),
      refusal({ WHARF_TOKENS_FILE: join(dir, 'none.json') }),
      refusal({ DOCKER_HOST: 'tcp://192.0.2.1:2375' }),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tokens file entry 0 \\"ci\\": role must be one of');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read WHARF_TOKENS_FILE');
    expect(tcp.code).toBe(2);
    expect(tcp.stderr).toContain('refusing the engine at http://192.0.2.1:2375');
  });

  it('listens beyond loopback with tokens, and reloads them on SIGHUP (a bad file keeps the old ones)', async () => {
    const file = tokensFile(
      'tokens.json',
      JSON.stringify([{ name: 'a', role: 'viewer', token: A }]),
    );
    const cli = startCli({ WHARF_LISTEN: '0.0.0.0:0', WHARF_TOKENS_FILE: file });
    child = cli.child;
    const { logs } = cli;
    const url = await cli.url;
    expect(logs.some((e) => String(e.msg).includes('NO AUTHENTICATION'))).toBe(false);
    const endpoint = `http://127.0.0.1:${new URL(url).port}/graphql`;
    const status = async (token: string) =>
      (
        await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ __typename }' }),
        })
      ).status;
    expect([await status(A), await status(B)]).toEqual([200, 401]);

    writeFileSync(file, JSON.stringify([{ name: 'b', role: 'viewer', token: B }]));
    child.kill('SIGHUP');
    await expect.poll(() => logs.some((e) => e.msg === 'tokens reloaded')).toBe(true);
    expect([await status(A), await status(B)]).toEqual([401, 200]);

    writeFileSync(file, '[{"name": "b"');
    child.kill('SIGHUP');
    await expect
      .poll(() => logs.some((e) => String(e.msg).startsWith('tokens not reloaded')))
      .toBe(true);
    expect(await status(B)).toBe(200);
    expect(JSON.stringify(logs)).not.toContain(B);
  });
});
