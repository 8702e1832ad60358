import { randomBytes } from 'node:crypto';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'undici';
import WebSocket from 'ws';
import { IMAGE, type RawEngine } from './fixtures.ts';
import { type Contender, interleaved } from './measure.ts';
import type { Wharf } from './wharf.ts';

/** 99 characters and a newline: every line the writer container prints. */
const LINE = '0123456789abcdef'.repeat(7).slice(0, 99);
const LINE_BYTES = LINE.length + 1;

/** A log byte count rounded down to whole lines (so the last line ends with its newline). */
const wholeLines = (bytes: number) => Math.floor(bytes / LINE_BYTES) * LINE_BYTES;

/**
 * A non-TTY container (so the engine multiplexes its log) printing `bytes` of lines after `delay`
 * seconds; `label` lets the bench's cleanup find it.
 */
async function logWriter(raw: RawEngine, label: string, bytes: number, delay = 0): Promise<string> {
  const [key, value] = label.split('=') as [string, string];
  const created = (await raw.call('POST', '/containers/create', {
    Image: IMAGE,
    Cmd: ['sh', '-c', `sleep ${delay}; yes ${LINE} | head -c ${bytes}`],
    Labels: { [key]: value },
    Tty: false,
  })) as { Id: string };
  await raw.call('POST', `/containers/${created.Id}/start`);
  return created.Id;
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription Logs($ref: String!, $follow: Boolean!) {
    containerLogs(ref: $ref, follow: $follow) {
      __typename
      ... on LogLines { lines { stream text } }
      ... on LogEnd { reason }
    }
  }
`;

type LogEvent =
  | { __typename: 'LogLines'; lines: { stream: string; text: string }[] }
  | { __typename: 'LogEnd'; reason: string };

/** What a reader got: log bytes (text and newline of each line) and when the first arrived. */
interface Read {
  bytes: number;
  firstAt: number;
}

/** The whole log of `id` through `containerLogs` over graphql-ws, as a client reads it. */
function readThroughWharf(client: WsClient, id: string, follow: boolean, until: number) {
  return new Promise<Read>((resolve, reject) => {
    const read: Read = { bytes: 0, firstAt: 0 };
    const dispose = client.subscribe<{ containerLogs: LogEvent }>(
      { query: SUBSCRIPTION, variables: { ref: id, follow } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) reject(new Error(errors[0]?.message));
          const event = data?.containerLogs;
          if (event?.__typename !== 'LogLines') return;
          if (read.firstAt === 0) read.firstAt = performance.now();
          for (const line of event.lines) {
            if (line.stream !== 'STDOUT') reject(new Error(`a line on ${line.stream}`));
            read.bytes += line.text.length + 1;
          }
          // A follow may outlive its writer's last line by the catch-up read: the bytes are in.
          if (read.bytes >= until) {
            dispose();
            resolve(read);
          }
        },
        error: reject,
        complete: () => resolve(read),
      },
    );
  });
}

/**
 * The same log straight from the engine, with undici on the socket: the multiplexed frames
 * demultiplexed (8-byte header: stream type, 3 zero bytes, big-endian payload length) and counted.
 * Timestamps are asked for as Wharf asks for them, so both read the same stream; the bytes counted
 * are the log's (each payload without its timestamp and space).
 */
async function readRaw(engine: Client, id: string, follow: boolean, until: number) {
  const read: Read = { bytes: 0, firstAt: 0 };
  const response = await engine.request({
    method: 'GET',
    path: `/v1.41/containers/${id}/logs?stdout=1&stderr=1&timestamps=1&follow=${follow ? 1 : 0}`,
  });
  if (response.statusCode !== 200) throw new Error(`raw logs: ${response.statusCode}`);
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    if (read.firstAt === 0) read.firstAt = performance.now();
    const bytes = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (bytes.length - offset >= 8) {
      const length = bytes.readUInt32BE(offset + 4);
      if (bytes.length - offset - 8 < length) break;
      const payload = bytes.subarray(offset + 8, offset + 8 + length);
      read.bytes += length - payload.indexOf(0x20) - 1;
      offset += 8 + length;
    }
    pending = bytes.subarray(offset);
    if (read.bytes >= until) break;
  }
  response.body.destroy();
  return read;
}

/** A reader per Wharf (each its own graphql-ws client) and a raw one. */
function logReaders(wharfs: readonly Wharf[]) {
  const engine = new Client('http://localhost', { socketPath: '/var/run/docker.sock' } as never);
  const clients = wharfs.map((wharf) =>
    createClient({
      url: `${wharf.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
    }),
  );
  const readers = [
    ...wharfs.map((wharf, i) => ({
      name: wharf.name,
      read: (id: string, follow: boolean, until: number) =>
        readThroughWharf(clients[i] as WsClient, id, follow, until),
    })),
    {
      name: 'raw undici',
      read: (id: string, follow: boolean, until: number) => readRaw(engine, id, follow, until),
    },
  ];
  return {
    readers,
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await engine.close();
    },
  };
}
type LogReader = ReturnType<typeof logReaders>['readers'][number];

/** Checks a reader got every byte; returns MB/s over `ms`. */
function throughput(name: string, read: Read, bytes: number, ms: number): number {
  if (read.bytes !== bytes) throw new Error(`${name} read ${read.bytes} of ${bytes} log bytes`);
  return bytes / 1e6 / (ms / 1000);
}

/** (a) The whole history of a container that wrote `bytes` and exited: MB/s, start to end. */
function historyContender(reader: LogReader, id: string, bytes: number): Contender {
  return {
    name: reader.name,
    async once() {
      const start = performance.now();
      const read = await reader.read(id, false, bytes);
      // `interleaved` keeps what `once` returns: MB/s here, not milliseconds.
      return throughput(reader.name, read, bytes, performance.now() - start);
    },
  };
}

/**
 * (b) A live follow: a fresh writer per round, followed from before it starts writing; MB/s from
 * the first byte received to the last.
 */
function followContender(
  reader: LogReader,
  raw: RawEngine,
  label: string,
  bytes: number,
): Contender {
  return {
    name: reader.name,
    async once() {
      const id = await logWriter(raw, label, bytes, 1);
      try {
        const read = await reader.read(id, true, bytes);
        return throughput(reader.name, read, bytes, performance.now() - read.firstAt);
      } finally {
        await raw.call('DELETE', `/containers/${id}?force=1`).catch(() => {});
      }
    },
  };
}

/**
 * Scenario 6: every reader `rounds` times on (a) the history of a container that wrote
 * `historyBytes` and (b) live follows of writers of `followBytes`, interleaved. MB/s by reader.
 */
export async function logThroughput(
  raw: RawEngine,
  wharfs: readonly Wharf[],
  options: { historyBytes: number; followBytes: number; rounds: number; warmup: number },
) {
  const label = `org.wharf.bench=logs-${randomBytes(4).toString('hex')}`;
  const historyBytes = wholeLines(options.historyBytes);
  const followBytes = wholeLines(options.followBytes);
  const { readers, close } = logReaders(wharfs);
  const writer = await logWriter(raw, label, historyBytes);
  try {
    await raw.call('POST', `/containers/${writer}/wait`);
    const history = await interleaved(
      readers.map((reader) => historyContender(reader, writer, historyBytes)),
      options.rounds,
      options.warmup,
    );
    const follow = await interleaved(
      readers.map((reader) => followContender(reader, raw, label, followBytes)),
      options.rounds,
      options.warmup,
    );
    return { history, follow, historyBytes, followBytes };
  } finally {
    await raw.call('DELETE', `/containers/${writer}?force=1`).catch(() => {});
    await close();
  }
}
