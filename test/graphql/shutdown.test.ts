import { describe, expect, it } from 'vitest';
import { within } from '../helpers/fake-engine.ts';
import { startGateway } from '../helpers/gateway.ts';

describe('gateway.stop()', () => {
  it('ends open SSE subscriptions instead of waiting for them', async () => {
    const gateway = await startGateway();
    const abort = new AbortController();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { events { __typename } }' }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await expect.poll(() => gateway.engine.events.subscribers).toBe(1);
    const reading = response.text().catch(() => 'cut');

    const started = Date.now();
    await within(gateway.stop(), 2_000, 'stop() with an SSE subscription open');
    expect(Date.now() - started).toBeLessThan(2_000);
    await within(reading, 2_000, 'the SSE stream to end');
    expect(gateway.engine.events.subscribers).toBe(0);
    abort.abort();
  });
});
