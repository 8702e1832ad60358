/**
 * The floor for scenario 5: a bare WebSocket server with no GraphQL in it. It speaks just enough
 * graphql-transport-ws for the bench's clients, follows one `/events` stream of the engine, and
 * sends each event's payload, serialized once, to every subscriber, corked per turn like Wharf's
 * sockets. Whatever latency it shows at 1,000 subscribers is the machine's, not Wharf's.
 *
 *   node bench/raw-fanout.ts   → prints {"url": "http://127.0.0.1:PORT"} on stdout
 */
import type { Socket } from 'node:net';
import { Client } from 'undici';
import { type WebSocket, WebSocketServer } from 'ws';

interface Subscriber {
  socket: WebSocket;
  id: string;
}

const subscribers = new Set<Subscriber>();
const engine = new Client('http://localhost', { socketPath: '/var/run/docker.sock' });
let following: string | undefined;

/** One upstream, opened by the first subscriber's label filter. */
async function follow(label: string) {
  if (following !== undefined) return;
  following = label;
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const response = await engine.request({
    method: 'GET',
    path: `/v1.41/events?filters=${filters}`,
  });
  let buffered = '';
  for await (const chunk of response.body) {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line) publish(JSON.parse(line));
    }
  }
}

function publish(event: {
  timeNano: number;
  Actor: { Attributes: Record<string, string> };
  status?: string;
}) {
  const payload = JSON.stringify({
    data: {
      events: {
        timeNano: String(event.timeNano),
        container: {
          name: event.Actor.Attributes.name,
          state: event.status === 'pause' ? 'PAUSED' : 'RUNNING',
          image: { tags: [event.Actor.Attributes.image] },
        },
      },
    },
  });
  for (const { socket, id } of subscribers) {
    cork(socket);
    socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`);
  }
}

const corked = new WeakSet<WebSocket>();
function cork(socket: WebSocket) {
  const raw = (socket as unknown as { _socket?: Socket })._socket;
  if (!raw || corked.has(socket)) return;
  corked.add(socket);
  raw.cork();
  setImmediate(() => {
    corked.delete(socket);
    raw.uncork();
  });
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
server.on('connection', (socket) => {
  const mine = new Map<string, Subscriber>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as {
      type: string;
      id?: string;
      payload?: { variables?: { label?: string } };
    };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'subscribe' && message.id) {
      const subscriber = { socket, id: message.id };
      mine.set(message.id, subscriber);
      subscribers.add(subscriber);
      const label = message.payload?.variables?.label;
      if (label) void follow(label);
    } else if (message.type === 'complete' && message.id) {
      const subscriber = mine.get(message.id);
      if (subscriber) subscribers.delete(subscriber);
      mine.delete(message.id);
    }
  });
  socket.on('close', () => {
    for (const subscriber of mine.values()) subscribers.delete(subscriber);
  });
});
server.on('listening', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
