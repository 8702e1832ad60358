import { afterEach, describe, expect, it } from 'vitest';
import { type FakeEngine, sendJson, sendPing, startFakeEngine } from '../helpers/fake-engine.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const IMAGE = `sha256:${'a'.repeat(64)}`;
const CONTAINER = {
  Id: 'c'.repeat(64),
  Names: ['/one'],
  Image: 'busybox',
  ImageID: IMAGE,
  Command: 'sleep 1',
  Created: 1_700_000_000,
  State: 'running',
  Status: 'Up 1 second',
  Ports: [],
  Labels: {},
  Mounts: [],
  NetworkSettings: { Networks: {} },
};
const IMAGES = [
  { Id: IMAGE, RepoTags: ['busybox:latest'], Created: 1, Size: 1, Labels: {}, ParentId: '' },
];

let fake: FakeEngine | undefined;
let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

/**
 * A fake engine that holds the container list's answer until the image list has been asked (or
 * 2 s have passed): a gateway that asks for images only after the containers came back is seen.
 */
async function engineWaitingForImages() {
  const order: string[] = [];
  let imagesAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => {
    imagesAsked = resolve;
  });
  fake = await startFakeEngine((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/_ping') return sendPing(res, '1.41');
    if (path === '/v1.41/images/json') {
      order.push('images asked');
      imagesAsked();
      return sendJson(res, 200, IMAGES);
    }
    if (path === '/v1.41/containers/json') {
      void Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 2_000))]).then(() => {
        order.push('containers answered');
        sendJson(res, 200, [CONTAINER]);
      });
      return;
    }
    sendJson(res, 404, { message: 'not here' });
  });
  gateway = await startGateway({ dockerHost: `unix://${fake.socketPath}` });
  return { order, fake, gateway };
}

describe('a container list that selects images', () => {
  it('asks the image list beside the container list, not after it', async () => {
    const { order, gateway } = await engineWaitingForImages();
    const data = await gateway.data<{ containers: { edges: { node: unknown }[] } }>(
      '{ containers { edges { node { name image { tags } } } } }',
    );
    expect(data.containers.edges).toEqual([
      { node: { name: 'one', image: { tags: ['busybox:latest'] } } },
    ]);
    expect(order).toEqual(['images asked', 'containers answered']);
  });

  it('through fragments too, and asks it once', async () => {
    const { order, fake, gateway } = await engineWaitingForImages();
    await gateway.data(
      '{ containers { edges { ... on QueryContainersConnectionEdge { node { ...withImage } } } } } fragment withImage on Container { image { tags } }',
    );
    expect(order).toEqual(['images asked', 'containers answered']);
    expect(fake.requests.filter((r) => r.url.startsWith('/v1.41/images/json'))).toHaveLength(1);
  });

  it('asks no image list when no image is selected', async () => {
    const { order, fake, gateway } = await engineWaitingForImages();
    await gateway.data('{ containers { edges { node { name } } } }');
    expect(order).toEqual(['containers answered']);
    expect(fake.requests.map((r) => r.url.split('?')[0])).not.toContain('/v1.41/images/json');
  });
});
