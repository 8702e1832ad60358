import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokens, TokenStore } from '../../src/auth/tokens.ts';
import { docker, testScope } from '../helpers/docker.ts';
import { type Result, startGateway, type TestGateway } from '../helpers/gateway.ts';

const scope = testScope('tenancy-events');
const TEAM_A = `a-${scope.run}`;
const TEAM_B = `b-${scope.run}`;
const A = 'tenant-a-events-0123456789';
const B = 'tenant-b-events-0123456789';
let gateway: TestGateway;

type Data = Record<string, unknown>;
type Event = { type: string; action: string; actorId: string };

async function ok(token: string, document: string): Promise<Data> {
  const result: Result<Data> = await gateway.query<Data>(document, undefined, token);
  expect(result.errors, document).toBeUndefined();
  return result.data as Data;
}

/** Creates and removes a network and a volume through Wharf; answers the network's id. */
async function createAndRemove(token: string, network: string, volume: string) {
  const created = await ok(
    token,
    `mutation { networkCreate(input: { name: "${network}" }) { dockerId } }`,
  );
  await ok(token, `mutation { volumeCreate(input: { name: "${volume}" }) { name } }`);
  await ok(token, `mutation { networkRemove(ref: "${network}") { dockerId } }`);
  await ok(token, `mutation { volumeRemove(name: "${volume}") { removed } }`);
  return (created.networkCreate as { dockerId: string }).dockerId;
}

beforeAll(async () => {
  const tokens = parseTokens(
    JSON.stringify([
      { name: 'ea', role: 'operator', token: A, labels: [`team=${TEAM_A}`] },
      { name: 'eb', role: 'operator', token: B, labels: [`team=${TEAM_B}`] },
    ]),
  );
  gateway = await startGateway({ tokens: new TokenStore(tokens) });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  for (const team of [TEAM_A, TEAM_B]) {
    const filter = ['--filter', `label=team=${team}`];
    const networks = await docker('network', 'ls', '-q', ...filter);
    if (networks) await docker('network', 'rm', ...networks.split('\n'));
    const volumes = await docker('volume', 'ls', '-q', ...filter);
    if (volumes) await docker('volume', 'rm', '-f', ...volumes.split('\n'));
  }
  await scope.cleanup();
});

describe('tenant events', () => {
  it('delivers a tenant its own network and volume events, create to destroy, and no one else’s', async () => {
    const events = gateway.subscribe<{ events: Event }>(
      `subscription { events(filter: { type: [NETWORK, VOLUME] }) {
        ... on EngineEvent { type action actorId } } }`,
      undefined,
      gateway.wsClient(A),
    );
    const received: Event[] = [];
    const volumeA = scope.name('vol-a');
    const reading = (async () => {
      for await (const result of events) {
        const event = result.data?.events as Event;
        received.push(event);
        if (event.type === 'VOLUME' && event.action === 'destroy' && event.actorId === volumeA) {
          return;
        }
      }
    })();
    // Let the subscription reach the hub before anything happens.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const volumeB = scope.name('vol-b');
    const networkB = await createAndRemove(B, scope.name('net-b'), volumeB);
    // Unlabelled ones (made outside Wharf) are shared: not the tenant's to hear about either.
    const unlabelled = scope.name('net-shared');
    await docker('network', 'create', '--label', scope.label, unlabelled);
    await docker('network', 'rm', unlabelled);
    const networkA = await createAndRemove(A, scope.name('net-a'), volumeA);
    await reading;
    expect(received.map(({ type, action, actorId }) => `${type} ${action} ${actorId}`)).toEqual([
      `NETWORK create ${networkA}`,
      `VOLUME create ${volumeA}`,
      `NETWORK destroy ${networkA}`,
      `VOLUME destroy ${volumeA}`,
    ]);
    for (const event of received) expect([networkB, volumeB]).not.toContain(event.actorId);
  }, 30_000);
});
