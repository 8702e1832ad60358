import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'wharf-auth-config-'));
const file = join(dir, 'tokens.json');
writeFileSync(file, JSON.stringify([{ name: 'ci', role: 'operator', token: 'x'.repeat(16) }]));

describe('configuration with tokens', () => {
  it('reads WHARF_TOKENS_FILE', () => {
    expect(loadConfig({}).tokens).toBeUndefined();
    expect(loadConfig({ WHARF_TOKENS_FILE: file }).tokens).toMatchObject({
      file,
      entries: [{ name: 'ci', role: 'operator', labels: [] }],
    });
  });

  it('listens beyond loopback with tokens; without them only with WHARF_AUTH=none', () => {
    expect(() => loadConfig({ WHARF_LISTEN: '0.0.0.0:4000' })).toThrow(/WHARF_TOKENS_FILE/);
    expect(loadConfig({ WHARF_LISTEN: '0.0.0.0:4000', WHARF_TOKENS_FILE: file }).listen).toEqual({
      host: '0.0.0.0',
      port: 4000,
    });
  });

  it('refuses a plain-HTTP engine that is not on this host', () => {
    for (const host of ['tcp://192.0.2.1:2375', 'tcp://engine.example', 'http://10.0.0.1:80']) {
      expect(() => loadConfig({ DOCKER_HOST: host }), host).toThrow(/not reached over TLS/);
    }
    for (const host of ['tcp://127.0.0.1:2375', 'tcp://localhost:2375', 'tcp://[::1]:2375']) {
      expect(loadConfig({ DOCKER_HOST: host }).engines.list[0]?.endpoint.kind, host).toBe('tcp');
    }
  });
});
