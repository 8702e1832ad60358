import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { thrown } from '../helpers/errors.ts';

describe('stream limits in the configuration', () => {
  it('defaults to the production caps', () => {
    expect(loadConfig({}).streams).toEqual({
      maxEngineStreams: 256,
      maxSubscriptionsPerSocket: 100,
      maxSubscriptionsPerClient: 200,
      wsInitTimeoutMs: 3000,
    });
  });

  it('reads each from its variable', () => {
    expect(
      loadConfig({
        WHARF_MAX_ENGINE_STREAMS: '64',
        WHARF_MAX_SUBSCRIPTIONS_PER_SOCKET: '10',
        WHARF_MAX_SUBSCRIPTIONS_PER_CLIENT: '20',
        WHARF_WS_INIT_TIMEOUT_MS: '1500',
      }).streams,
    ).toEqual({
      maxEngineStreams: 64,
      maxSubscriptionsPerSocket: 10,
      maxSubscriptionsPerClient: 20,
      wsInitTimeoutMs: 1500,
    });
  });

  it('refuses a value that is not a positive integer, naming the variable', () => {
    const error = thrown(() => loadConfig({ WHARF_MAX_ENGINE_STREAMS: '0' }));
    expect((error as { code?: string }).code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toContain('WHARF_MAX_ENGINE_STREAMS');
  });
});
