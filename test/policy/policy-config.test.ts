import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, loadPolicyConfig } from '../../src/model/policy/policy-config.ts';
import { thrown } from '../helpers/errors.ts';

describe('loadPolicyConfig', () => {
  it('defaults to no binds, Docker Hub only, root allowed, the standard sockets', () => {
    expect(loadPolicyConfig({}, ['/var/run/docker.sock'])).toEqual(DEFAULT_POLICY);
  });

  it('reads WHARF_LOG_DRIVER_ALLOW as a list', () => {
    expect(
      loadPolicyConfig({ WHARF_LOG_DRIVER_ALLOW: 'json-file, syslog, grafana/loki:2.9' }, [])
        .logDriverAllow,
    ).toEqual(['json-file', 'syslog', 'grafana/loki:2.9']);
  });

  it("names Docker Hub's aliases as references do (docker.io)", () => {
    const { registryAllow } = loadPolicyConfig(
      { WHARF_REGISTRY_ALLOW: 'index.docker.io,Registry-1.Docker.io,ghcr.io' },
      [],
    );
    expect(registryAllow).toEqual(['docker.io', 'ghcr.io']);
  });

  it('reads the three variables and adds every engine socket', () => {
    expect(
      loadPolicyConfig(
        {
          WHARF_BIND_ALLOW: ' /srv/data, /home/ci ,',
          WHARF_REGISTRY_ALLOW: 'docker.io,Registry.Local:5000,[::1]:5000',
          WHARF_DENY_ROOT_USER: 'true',
        },
        ['/tmp/engine.sock', '/tmp/other.sock'],
      ),
    ).toEqual({
      bindAllow: ['/srv/data', '/home/ci'],
      registryAllow: ['docker.io', 'registry.local:5000', '[::1]:5000'],
      denyRootUser: true,
      dockerSockets: [
        '/var/run/docker.sock',
        '/run/docker.sock',
        '/tmp/engine.sock',
        '/tmp/other.sock',
      ],
      logDriverAllow: ['json-file', 'local', 'none'],
    });
  });

  it.each([
    [
      { WHARF_BIND_ALLOW: 'srv/data' },
      'WHARF_BIND_ALLOW entry "srv/data" must be an absolute path',
    ],
    [{ WHARF_DENY_ROOT_USER: 'yes' }, 'WHARF_DENY_ROOT_USER=yes must be true or false'],
    [
      { WHARF_REGISTRY_ALLOW: 'docker.io,https://registry.local:5000' },
      'WHARF_REGISTRY_ALLOW entry "https://registry.local:5000" must be a registry host or host:port, without a scheme or path',
    ],
    [
      { WHARF_REGISTRY_ALLOW: 'registry.local/team' },
      'WHARF_REGISTRY_ALLOW entry "registry.local/team" must be a registry host or host:port, without a scheme or path',
    ],
    [
      { WHARF_LOG_DRIVER_ALLOW: 'json-file,JSON File' },
      'WHARF_LOG_DRIVER_ALLOW entry "JSON File" must be a log driver name such as json-file or owner/plugin:tag',
    ],
  ])('refuses %o', (env, message) => {
    expect(thrown(() => loadPolicyConfig(env, []))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message,
    });
  });
});
