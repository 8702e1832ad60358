import { describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../src/engine/types.ts';
import { cloneInput } from '../../src/graphql/clone-input.ts';

const ID = 'abcdef0123456789'.repeat(4);

function inspect(
  config: Partial<ContainerInspect['Config']>,
  host: ContainerInspect['HostConfig'],
  networks: ContainerInspect['NetworkSettings']['Networks'] = {},
): ContainerInspect {
  return {
    Id: ID,
    Config: {
      Hostname: ID.slice(0, 12),
      User: '',
      Tty: false,
      OpenStdin: false,
      Env: null,
      Cmd: null,
      Entrypoint: null,
      Image: 'busybox',
      WorkingDir: '',
      Labels: {},
      ...config,
    },
    HostConfig: host,
    NetworkSettings: { Ports: null, Networks: networks },
  } as ContainerInspect;
}

const endpoint = (aliases: string[] | null, ip?: string) => ({
  NetworkID: 'n',
  Aliases: aliases,
  ...(ip && { IPAMConfig: { IPv4Address: ip } }),
});

describe('cloneInput', () => {
  it('joins the network mode first, keeps aliases but the source short id, and static addresses', () => {
    const { input } = cloneInput(
      inspect(
        {},
        { NetworkMode: 'back' },
        {
          front: endpoint(null),
          back: endpoint([ID.slice(0, 12), 'db'], '10.9.0.5'),
        },
      ),
      {},
    );
    expect(input.networkMode).toBe('back');
    expect(input.networks).toEqual([
      { network: 'back', aliases: ['db'], ipv4Address: '10.9.0.5' },
      { network: 'front', aliases: undefined, ipv4Address: undefined },
    ]);
  });

  it('drops the default hostname (the short id), keeps a chosen one', () => {
    expect(cloneInput(inspect({}, {}), {}).input.hostname).toBeUndefined();
    expect(cloneInput(inspect({ Hostname: 'web' }, {}), {}).input.hostname).toBe('web');
  });

  it('joins no network and sets no hostname in the host network or another container’s', () => {
    for (const mode of ['host', 'container:other']) {
      const { input } = cloneInput(
        inspect({ Hostname: 'box' }, { NetworkMode: mode }, { host: endpoint(null) }),
        {},
      );
      expect(input).toMatchObject({ networkMode: mode, networks: undefined, hostname: undefined });
    }
  });

  it('lets new networks replace the old and the mode they set; null overrides change nothing', () => {
    const source = inspect({ Env: ['A=1'] }, { NetworkMode: 'back' }, { back: endpoint(null) });
    const { input } = cloneInput(source, { networks: [{ network: 'other' }], env: null });
    expect(input.networkMode).toBeUndefined();
    expect(input.networks).toEqual([{ network: 'other' }]);
    expect(input.env).toEqual(['A=1']);
  });

  it('reads -v binds, and warns of what a create cannot carry', () => {
    const { input, warnings } = cloneInput(
      inspect(
        {},
        {
          Binds: ['/srv/data:/data:ro,z', 'named:/named'],
          Mounts: [{ Type: 'volume', Target: '/anon', ReadOnly: false }],
          Links: ['/db:/me/db'],
          VolumesFrom: ['other'],
          Runtime: 'runc',
          // A host with a block I/O controller would have kept these.
          BlkioWeight: 300,
          BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1024 }],
          BlkioWeightDevice: [],
        },
      ),
      {},
    );
    expect(input.mounts).toEqual([
      { type: 'volume', target: '/anon', readOnly: false },
      { type: 'bind', source: '/srv/data', target: '/data', readOnly: true },
      { type: 'volume', source: 'named', target: '/named', readOnly: false },
    ]);
    expect(warnings).toEqual([
      'links was left out',
      'volumesFrom was left out',
      'blkioWeight was left out',
      'blkioDeviceReadBps was left out',
      'the anonymous volume at /anon is a new, empty one in the clone',
      'options z of /data were left out',
    ]);
  });
});
