import type { TestGateway } from './gateway.ts';

/** An item of a container-create `events` subscription over several engines. */
export interface CreateEventItem {
  __typename: 'EngineEvent' | 'EventGap';
  engine: string;
  action?: string;
  actorId?: string;
  cursor?: string;
  reason?: string;
}

export const CREATE_EVENTS = `subscription ($after: String, $engines: [String!]) {
  events(filter: { type: [CONTAINER], action: ["create"] }, after: $after, engines: $engines) {
    __typename
    ... on EngineEvent { engine action actorId cursor }
    ... on EventGap { engine reason }
  }
}`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads container creates (and gaps) from `gateway` into `items` until stopped. */
export function followCreates(
  gateway: TestGateway,
  variables: { after?: string; engines?: string[] } = {},
) {
  const items: CreateEventItem[] = [];
  const stream = gateway.subscribe<{ events: CreateEventItem }>(CREATE_EVENTS, variables);
  const reading = (async () => {
    for await (const result of stream) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      if (result.data) items.push(result.data.events);
    }
  })();
  return {
    items,
    async until(what: string, check: () => boolean) {
      const deadline = Date.now() + 60_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await pause(100);
      }
    },
    async stop() {
      await stream.return?.();
      await reading;
    },
  };
}

/** The creates `items` holds from one engine. */
export const createdOn = (items: CreateEventItem[], engine: string) =>
  items.filter((item) => item.__typename === 'EngineEvent' && item.engine === engine);
