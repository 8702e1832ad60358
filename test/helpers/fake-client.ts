import { createEngineClient, type EngineClient } from '../../src/engine/client.ts';
import type { FakeEngine } from './fake-engine.ts';

/** An engine client on a fake engine, pinned to API 1.41 so no call waits for `/_ping`. */
export function fakeClient(fake: FakeEngine): EngineClient {
  return createEngineClient({
    name: 'local',
    endpoint: { kind: 'unix', socketPath: fake.socketPath, origin: 'http://docker' },
    timeoutMs: 2_000,
    maxConnections: 4,
    apiVersion: '1.41',
  });
}

/** One multiplexed frame: [stream type, 0, 0, 0, uint32 BE length] + payload. */
export function frame(type: 1 | 2, payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** Reads a stream to its end. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
}
