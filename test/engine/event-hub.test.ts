import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngineApi } from '../../src/engine/api.ts';
import { runInCallScope } from '../../src/engine/call-scope.ts';
import {
  decodeCursor,
  EventHub,
  type EventItem,
  encodeCursor,
} from '../../src/engine/event-hub.ts';
import { createTransport, type Transport } from '../../src/engine/transport.ts';
import type { EventMessage } from '../../src/engine/types.ts';
import { type FakeEngine, sendPing, startFakeEngine, within } from '../helpers/fake-engine.ts';

/**
 * A fake engine whose /events behaves like dockerd's: it replays its buffer from `since` (up to
 * `until`, which ends the response), then streams live events. `down` refuses connections;
 * `restart()` empties the buffer as a real restart does.
 */
async function startEventsEngine(options: { bufferSize?: number; skewMs?: number } = {}) {
  const bufferSize = options.bufferSize ?? 256;
  const { skewMs } = options;
  // With a skew: the engine's clock runs in real time, that far from Wharf's (another host's).
  const engineNow = () => (skewMs === undefined ? clock : BigInt(Date.now() + skewMs) * 1_000_000n);
  let buffer: { nanos: bigint; line: string }[] = [];
  const live = new Set<ServerResponse>();
  let down = false;
  let clock = 1_700_000_000_000_000_000n;
  const fake: FakeEngine = await startFakeEngine((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '', 'http://docker');
    if (url.pathname === '/_ping') return sendPing(res, '1.41');
    if (url.pathname === '/v1.41/info') {
      const now = new Date(Number(engineNow() / 1_000_000n)).toISOString();
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"SystemTime":"${now}"}`);
      return;
    }
    if (url.pathname !== '/v1.41/events') {
      res.writeHead(404).end('{"message":"not here"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // dockerd flushes the head at once; node would hold it until the first event.
    res.flushHeaders();
    const toNanos = (value: string | null) =>
      value === null ? undefined : BigInt(value.replace('.', '').padEnd(19, '0'));
    const since = toNanos(url.searchParams.get('since'));
    const until = toNanos(url.searchParams.get('until'));
    if (since !== undefined) {
      for (const { nanos, line } of buffer) {
        if (nanos >= since && (until === undefined || nanos <= until)) res.write(`${line}\n`);
      }
    }
    if (until !== undefined) {
      res.end();
      return;
    }
    live.add(res);
    res.on('close', () => live.delete(res));
  });

  return {
    fake,
    live,
    emit(action: string, id = 'c1'): EventMessage {
      clock = clock + 1_000_000n > engineNow() ? clock + 1_000_000n : engineNow();
      const event: EventMessage = {
        Type: 'container',
        Action: action,
        Actor: { ID: id, Attributes: { name: id } },
        scope: 'local',
        time: Number(clock / 1_000_000_000n),
        timeNano: clock,
      };
      // Written as the engine writes it: timeNano exact, although a JS number cannot hold it.
      const line = JSON.stringify({ ...event, timeNano: '§' }).replace('"§"', String(clock));
      buffer.push({ nanos: clock, line });
      if (buffer.length > bufferSize) buffer.shift();
      for (const res of live) res.write(`${line}\n`);
      return event;
    },
    dropConnections() {
      for (const res of live) res.socket?.destroy();
    },
    setDown(value: boolean) {
      down = value;
      if (value) for (const res of live) res.socket?.destroy();
    },
    restart() {
      buffer = [];
    },
    writeRaw(text: string) {
      for (const res of live) res.write(text);
    },
    eventsRequests: () => fake.requests.filter((r) => r.url.startsWith('/v1.41/events')),
  };
}

type EventsEngine = Awaited<ReturnType<typeof startEventsEngine>>;

let engine: EventsEngine | undefined;
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.close();
  await engine?.fake.close();
  engine = undefined;
  transport = undefined;
});

async function setup(
  options: { bufferSize?: number; queueLimit?: number; historySize?: number; skewMs?: number } = {},
) {
  engine = await startEventsEngine(options);
  transport = createTransport({
    engine: 'local',
    endpoint: { kind: 'unix', socketPath: engine.fake.socketPath, origin: 'http://docker' },
    timeoutMs: 2_000,
    maxConnections: 4,
  });
  const hub = new EventHub({
    api: createEngineApi(transport),
    backoff: { initialMs: 20, maxMs: 100 },
    remoteClock: options.skewMs !== undefined,
    ...(options.queueLimit && { queueLimit: options.queueLimit }),
    ...(options.historySize && { historySize: options.historySize }),
  });
  return { engine, hub };
}

async function take(items: AsyncIterator<EventItem>, count: number): Promise<EventItem[]> {
  const taken: EventItem[] = [];
  while (taken.length < count) {
    const next = await within(items.next(), 5_000, `item ${taken.length + 1} of ${count}`);
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}

const actions = (items: EventItem[]) =>
  items.map((item) => (item.kind === 'event' ? item.event.Action : `gap:${item.reason}`));

describe('EventHub', () => {
  it('shares one upstream connection between subscribers, and closes it after the last leaves', async () => {
    const { engine, hub } = await setup();
    const a = hub.subscribe();
    const b = hub.subscribe();
    const firstA = take(a, 2);
    const firstB = take(b, 2);
    await hub.whenConnected();
    engine.emit('create');
    engine.emit('start');
    expect(actions(await firstA)).toEqual(['create', 'start']);
    expect(actions(await firstB)).toEqual(['create', 'start']);
    expect(engine.eventsRequests()).toHaveLength(1);
    await a.return?.();
    expect(hub.subscribers).toBe(1);
    await b.return?.();
    expect(hub.subscribers).toBe(0);
    await within(
      engine.eventsRequests()[0]?.closed ?? Promise.resolve(),
      1_000,
      'the upstream to close',
    );
  });

  it('closes the upstream even when the subscriber leaves before its first read', async () => {
    const { engine, hub } = await setup();
    const a = hub.subscribe();
    await hub.whenConnected();
    await a.return?.();
    await within(
      engine.eventsRequests()[0]?.closed ?? Promise.resolve(),
      1_000,
      'the upstream to close',
    );
    expect(hub.subscribers).toBe(0);
  });

  it('resumes after a dropped connection with no duplicate and no gap when the engine replays', async () => {
    const { engine, hub } = await setup();
    const sub = hub.subscribe();
    const got = take(sub, 4);
    await hub.whenConnected();
    engine.emit('create');
    engine.emit('start');
    await within(new Promise((r) => setTimeout(r, 50)), 1_000, 'delivery');
    engine.dropConnections();
    await within(
      (async () => {
        while (engine.live.size === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      3_000,
      'the reconnect',
    );
    engine.emit('die');
    engine.emit('destroy');
    expect(actions(await got)).toEqual(['create', 'start', 'die', 'destroy']);
    // The reconnect asked the engine to replay from the last event's time.
    const second = engine.eventsRequests()[1]?.url ?? '';
    expect(second).toContain('since=');
    await sub.return?.();
  });

  it('reports one ENGINE_UNAVAILABLE gap when the engine was down, then continues', async () => {
    const { engine, hub } = await setup();
    const sub = hub.subscribe();
    const first = take(sub, 1);
    await hub.whenConnected();
    engine.emit('create');
    await first;
    engine.setDown(true);
    await new Promise((r) => setTimeout(r, 300));
    engine.restart();
    engine.setDown(false);
    await within(
      (async () => {
        while (engine.live.size === 0) await new Promise((r) => setTimeout(r, 10));
      })(),
      3_000,
      'the reconnect',
    );
    engine.emit('start');
    const rest = await take(sub, 2);
    expect(actions(rest)).toEqual(['gap:ENGINE_UNAVAILABLE', 'start']);
    const gap = rest[0];
    expect(gap?.kind === 'gap' && gap.from !== null && gap.from <= gap.to).toBe(true);
    await sub.return?.();
  });

  it('tells status listeners when the upstream opens, is lost, comes back with a gap, and closes', async () => {
    const { engine, hub } = await setup();
    const seen: string[] = [];
    const off = hub.onStatusChange(() =>
      seen.push(`${hub.connected ? 'up' : 'down'}:${hub.gaps.ENGINE_UNAVAILABLE}`),
    );
    expect([hub.connected, hub.listening]).toEqual([false, false]);
    const sub = hub.subscribe();
    const first = take(sub, 1);
    await hub.whenConnected();
    expect(hub.connected).toBe(true);
    engine.emit('create');
    await first;
    engine.setDown(true);
    await vi.waitFor(() => expect(hub.connected).toBe(false), { timeout: 3_000 });
    expect(hub.listening).toBe(true);
    engine.setDown(false);
    await vi.waitFor(() => expect(hub.connected).toBe(true), { timeout: 3_000 });
    await sub.return?.();
    await vi.waitFor(() => expect(hub.connected).toBe(false), { timeout: 3_000 });
    off();
    // The gap is told before the stream counts as back, so a listener reads both at once.
    expect(seen).toEqual(['up:0', 'down:0', 'down:1', 'up:1', 'down:1']);
  });

  it('reports REPLAY_INCOMPLETE when the engine cannot replay from the last event', async () => {
    const { engine, hub } = await setup({ bufferSize: 3 });
    const sub = hub.subscribe();
    const first = take(sub, 1);
    await hub.whenConnected();
    engine.emit('create');
    await first;
    // The connection drops while five events happen: the three-event buffer loses the anchor.
    engine.setDown(true);
    for (const action of ['a', 'b', 'c', 'd', 'e']) engine.emit(action);
    engine.setDown(false);
    const rest = await take(sub, 4);
    expect(rest.map((item) => item.kind)).toContain('gap');
    expect(actions(rest).filter((a) => a.startsWith('gap'))).toHaveLength(1);
    // Whatever the engine still had arrives after the gap.
    expect(actions(rest).slice(-3)).toEqual(['c', 'd', 'e']);
    await sub.return?.();
  });

  it('closes a subscriber that falls behind with SLOW_CONSUMER, without delaying the others', async () => {
    const { engine, hub } = await setup({ queueLimit: 50 });
    const slow = hub.subscribe();
    const fast = hub.subscribe();
    const all = take(fast, 200);
    await hub.whenConnected();
    for (let i = 0; i < 200; i++) engine.emit(`e${i}`);
    expect(actions(await all)).toEqual(Array.from({ length: 200 }, (_, i) => `e${i}`));
    await expect(slow.next()).rejects.toMatchObject({ code: 'SLOW_CONSUMER' });
    expect(hub.subscribers).toBe(1);
    await fast.return?.();
  });

  it('replays after a cursor from its history, and from the engine when the history is gone', async () => {
    const { engine, hub } = await setup();
    const keeper = hub.subscribe();
    const seen = take(keeper, 3);
    await hub.whenConnected();
    const create = engine.emit('create');
    engine.emit('start');
    engine.emit('die');
    await seen;
    const resumed = hub.subscribe(encodeCursor('local', create));
    expect(actions(await take(resumed, 2))).toEqual(['start', 'die']);
    await resumed.return?.();
    await keeper.return?.();

    // Nobody listens now: the hub forgets; the engine's buffer still has the events.
    await new Promise((r) => setTimeout(r, 50));
    engine.emit('destroy');
    const late = hub.subscribe(encodeCursor('local', create));
    const lateItems = take(late, 4);
    await hub.whenConnected();
    engine.emit('create2');
    expect(actions(await lateItems)).toEqual(['start', 'die', 'destroy', 'create2']);
    await late.return?.();
  });

  it("takes positions in a remote engine's clock: resuming from one loses and repeats nothing", async () => {
    // An engine an hour behind: a position in Wharf's clock would lie an hour in its future.
    const { engine, hub } = await setup({ skewMs: -3_600_000 });
    const keeper = hub.subscribe();
    const seen = take(keeper, 3);
    await hub.whenConnected();
    const clockRead = async () => {
      const position = decodeCursor('local', hub.position()).nanos;
      return position < BigInt(Date.now() - 1_800_000) * 1_000_000n;
    };
    for (let tries = 0; !(await clockRead()); tries += 1) {
      if (tries > 100) throw new Error("the hub never read the engine's clock");
      await new Promise((r) => setTimeout(r, 20));
    }
    engine.emit('create');
    await new Promise((r) => setTimeout(r, 5));
    const position = hub.position();
    await new Promise((r) => setTimeout(r, 5));
    engine.emit('start');
    engine.emit('die');
    await seen;
    const resumed = hub.subscribe(position);
    expect(actions(await take(resumed, 2))).toEqual(['start', 'die']);
    await resumed.return?.();
    await keeper.return?.();
  });

  it('starts a resumed stream with a gap when the engine no longer has the cursor event', async () => {
    const { engine, hub } = await setup();
    const old = engine.emit('create');
    engine.restart();
    engine.emit('start');
    const resumed = hub.subscribe(encodeCursor('local', old));
    expect(actions(await take(resumed, 2))).toEqual(['gap:REPLAY_INCOMPLETE', 'start']);
    await resumed.return?.();
  });

  it("resumes from its own cursor of an exec event whose command holds '|'", async () => {
    const { engine, hub } = await setup();
    const keeper = hub.subscribe();
    const seen = take(keeper, 2);
    await hub.whenConnected();
    const exec = engine.emit('exec_start: sh -c echo a|tr a b');
    engine.emit('exec_die');
    const [first] = await seen;
    expect(first?.kind === 'event' && first.cursor).toBe(encodeCursor('local', exec));
    const resumed = hub.subscribe(encodeCursor('local', exec));
    expect(actions(await take(resumed, 1))).toEqual(['exec_die']);
    await resumed.return?.();
    await keeper.return?.();
  });

  it('reports a lost upstream through onError', async () => {
    const { engine } = await setup();
    const errors: unknown[] = [];
    const hub = new EventHub({
      api: createEngineApi(transport as Transport),
      backoff: { initialMs: 20, maxMs: 100 },
      onError: (error) => errors.push(error),
    });
    const sub = hub.subscribe();
    await hub.whenConnected();
    engine.setDown(true);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    engine.setDown(false);
    await sub.return?.();
  });

  it('refuses a cursor that is not one', async () => {
    const { hub } = await setup();
    expect(() => hub.subscribe('garbage')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
    expect(hub.subscribers).toBe(0);
  });

  it('survives a line that is not JSON: reconnects and loses no valid event', async () => {
    const { engine, hub } = await setup();
    const sub = hub.subscribe();
    const got = take(sub, 3);
    await hub.whenConnected();
    engine.emit('create');
    await new Promise((r) => setTimeout(r, 50));
    engine.writeRaw('this is not json\n');
    await new Promise((r) => setTimeout(r, 100));
    engine.emit('start');
    engine.emit('die');
    expect(actions(await got)).toEqual(['create', 'start', 'die']);
    await sub.return?.();
  });
});

describe('EventHub and call scopes', () => {
  it('runs its upstream outside the operation that started it: not charged, not aborted with it', async () => {
    const { engine, hub } = await setup();
    const operation = new AbortController();
    const charged: string[] = [];
    const first = runInCallScope(
      { client: 'a', signal: operation.signal, charge: (call) => charged.push(call.path) },
      () => hub.subscribe(),
    );
    const other = hub.subscribe();
    await hub.whenConnected();
    operation.abort(new Error('the first operation is over'));
    await first.return?.();
    const got = take(other, 2);
    engine.emit('create');
    engine.emit('start');
    expect(actions(await got)).toEqual(['create', 'start']);
    expect(engine.eventsRequests()).toHaveLength(1);
    expect(charged).toEqual([]);
    await other.return?.();
  });
});
