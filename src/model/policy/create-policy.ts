import { hasRole, type Principal } from '../../auth/principal.ts';
import type { ContainerCreateBody } from '../../engine/containers.ts';
import { ForbiddenError } from '../../engine/errors.ts';
import type { VolumeCreateConfig } from '../../engine/volumes.ts';
import { isInside, resolveHostPath } from './host-paths.ts';
import type { PolicyConfig } from './policy-config.ts';
import { registryAllowed } from './registries.ts';

/*
 * The create policy: what everyone but admin may not ask the engine for, because it reaches the
 * host (README, Security). Every check runs on the typed input before the engine is called, so a
 * refusal tells nothing about the host (not even whether a path exists).
 */

type HostConfig = ContainerCreateBody['HostConfig'];
type Denial = [rule: string, message: string];
type Verdict = Denial | undefined | Promise<Denial | undefined>;
type Rule<T> = (value: NonNullable<T>, policy: PolicyConfig) => Verdict;
/**
 * Every field of the engine body is classified, so a field added to the body does not compile until
 * someone decides whether it is safe (runtime, cgroupParent, device cgroup rules and the
 * uts/userns/cgroupns modes are not in the input; they land here when they are).
 */
type Rules<T> = { [K in keyof Required<T>]: Rule<T[K]> | 'safe' };

function deny(rule: string, message: string): Denial {
  return [rule, message];
}

/** `host` shares the host's namespace, `container:<ref>` another container's (perhaps privileged). */
function sharedNamespace(kind: string) {
  return (mode: string): Denial | undefined => {
    const lower = mode.toLowerCase();
    if (lower === 'host' || lower.startsWith('container:')) {
      return deny(
        `create.${kind}-mode`,
        `${kind} mode "${mode.slice(0, 80)}" is reserved to admin`,
      );
    }
    return undefined;
  };
}

/** Only no-new-privileges: any other option (a profile, a label) can loosen confinement. */
const SAFE_SECURITY_OPT = /^no-new-privileges([=:]true)?$/;

/** `root`, `0`, with or without a group. */
function isRootUser(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === 'root' || /^0+$/.test(name);
}

/** A bind source outside WHARF_BIND_ALLOW, or the engine's socket (or a directory holding it). */
async function bindDenial(source: string, policy: PolicyConfig): Promise<Denial | undefined> {
  const path = await resolveHostPath(source);
  const sockets = await Promise.all(policy.dockerSockets.map(resolveHostPath));
  if (sockets.some((socket) => isInside(socket, path))) {
    return deny('create.bind-docker-socket', 'a bind mount may not reach the Docker socket');
  }
  const allowed = await Promise.all(policy.bindAllow.map(resolveHostPath));
  if (!allowed.some((prefix) => isInside(path, prefix))) {
    return deny('create.bind', 'bind mount source is outside WHARF_BIND_ALLOW');
  }
  return undefined;
}

const HOST_CONFIG_RULES: Rules<HostConfig> = {
  PortBindings: 'safe',
  Mounts: async (mounts, policy) => {
    for (const mount of mounts) {
      if (mount.Type !== 'bind' || mount.Source === undefined) continue;
      const denial = await bindDenial(mount.Source, policy);
      if (denial) return denial;
    }
    return undefined;
  },
  RestartPolicy: 'safe',
  Memory: 'safe',
  NanoCpus: 'safe',
  CpuShares: 'safe',
  PidsLimit: 'safe',
  AutoRemove: 'safe',
  CapAdd: (caps) =>
    caps.length > 0 ? deny('create.cap-add', 'capAdd is reserved to admin') : undefined,
  CapDrop: 'safe',
  Privileged: (privileged) =>
    privileged ? deny('create.privileged', 'privileged is reserved to admin') : undefined,
  SecurityOpt: (options) =>
    options.every((option) => SAFE_SECURITY_OPT.test(option))
      ? undefined
      : deny(
          'create.security-opt',
          'securityOpt other than no-new-privileges is reserved to admin',
        ),
  Devices: (devices) =>
    devices.length > 0 ? deny('create.devices', 'devices are reserved to admin') : undefined,
  NetworkMode: sharedNamespace('network'),
  PidMode: sharedNamespace('pid'),
  IpcMode: sharedNamespace('ipc'),
  ReadonlyRootfs: 'safe',
  ExtraHosts: 'safe',
  Dns: 'safe',
  DnsSearch: 'safe',
  DnsOptions: 'safe',
  // Drivers such as syslog, gelf or fluentd send every line to an address the client names.
  LogConfig: (log, policy) =>
    log.Type === '' || policy.logDriverAllow.includes(log.Type)
      ? undefined
      : deny(
          'create.log-driver',
          `log driver "${log.Type.slice(0, 40)}" is not in WHARF_LOG_DRIVER_ALLOW`,
        ),
  // Shared memory, tmpfs and locked memory count against the container's memory cgroup.
  Ulimits: 'safe',
  ShmSize: 'safe',
  Init: 'safe',
  Tmpfs: 'safe',
  DeviceRequests: (requests) =>
    requests.length > 0
      ? deny('create.device-requests', 'deviceRequests (GPUs) are reserved to admin')
      : undefined,
  CpusetCpus: 'safe',
  CpusetMems: 'safe',
  CpuPeriod: 'safe',
  CpuQuota: 'safe',
  MemoryReservation: 'safe',
  MemorySwap: 'safe',
  // Without the OOM killer a container at its limit stalls the host's reclaim instead of dying.
  OomKillDisable: (disable) =>
    disable ? deny('create.oom-kill-disable', 'oomKillDisable is reserved to admin') : undefined,
  GroupAdd: 'safe',
  // net.* lives in the container's network namespace; the IPC ones are shared with an ipc mode.
  Sysctls: (sysctls) => {
    const outside = Object.keys(sysctls).find((key) => !key.startsWith('net.'));
    return outside === undefined
      ? undefined
      : deny(
          'create.sysctls',
          `sysctl "${outside.slice(0, 80)}" is reserved to admin (net.* only)`,
        );
  },
};

const BODY_RULES: Rules<ContainerCreateBody> = {
  Image: 'safe',
  Cmd: 'safe',
  Entrypoint: 'safe',
  Env: 'safe',
  Labels: 'safe',
  WorkingDir: 'safe',
  User: (user, policy) =>
    policy.denyRootUser && isRootUser(user)
      ? deny('create.user-root', 'user root is refused (WHARF_DENY_ROOT_USER)')
      : undefined,
  Hostname: 'safe',
  Domainname: 'safe',
  Tty: 'safe',
  OpenStdin: 'safe',
  ExposedPorts: 'safe',
  Healthcheck: 'safe',
  StopSignal: 'safe',
  StopTimeout: 'safe',
  HostConfig: (hostConfig, policy) => firstDenial(HOST_CONFIG_RULES, hostConfig, policy),
  // Its only key is the first network, which checkContainerCreate checks with the others.
  NetworkingConfig: 'safe',
};

/** The first field a rule refuses; a field no rule knows is refused too (default deny). */
async function firstDenial<T extends object>(
  rules: Rules<T>,
  value: T,
  policy: PolicyConfig,
): Promise<Denial | undefined> {
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || field === null) continue;
    const rule = (rules as Record<string, Rule<unknown> | 'safe' | undefined>)[key];
    if (rule === undefined) return deny('create.unknown-field', `${key} is reserved to admin`);
    if (rule === 'safe') continue;
    const denial = await rule(field, policy);
    if (denial) return denial;
  }
  return undefined;
}

function refuse(denial: Denial | undefined): void {
  if (denial) throw new ForbiddenError(...denial);
}

const isAdmin = (principal: Principal) => hasRole(principal, 'admin');

/**
 * Where a create's bind mounts would be made: on Wharf's own host (its paths and symlinks can be
 * checked), on another engine's host, or on whichever swarm node a service's task lands.
 */
export type BindHost = 'wharf-host' | 'other-host' | 'swarm-nodes';

/** Binds on a host Wharf cannot see are admin's: WHARF_BIND_ALLOW names Wharf's own paths. */
function unseenBindDenial(body: ContainerCreateBody, where: BindHost): Denial | undefined {
  if (where === 'wharf-host' || !body.HostConfig?.Mounts?.some((m) => m.Type === 'bind')) {
    return undefined;
  }
  return where === 'swarm-nodes'
    ? deny('create.bind-service', "a service's bind mounts are made on any node: admin only")
    : deny('create.bind-remote', "bind mounts on another host's engine are admin only");
}

/** containerCreate: the engine body and every network it joins (at create or right after). */
export async function checkContainerCreate(
  principal: Principal,
  policy: PolicyConfig,
  request: { body: ContainerCreateBody; networks: readonly string[] },
  where: BindHost,
): Promise<void> {
  if (isAdmin(principal)) return;
  refuse(unseenBindDenial(request.body, where));
  refuse(await firstDenial(BODY_RULES, request.body, policy));
  for (const network of request.networks) refuse(sharedNamespace('network')(network));
}

/** The local driver mounts whatever `type`, `o` and `device` say: a bind under another name. */
export function checkVolumeCreate(
  principal: Principal,
  config: Pick<VolumeCreateConfig, 'Driver' | 'DriverOpts'>,
): void {
  if (isAdmin(principal) || (config.Driver !== 'local' && config.Driver !== '')) return;
  const options = Object.fromEntries(
    Object.entries(config.DriverOpts).map(([key, value]) => [key.toLowerCase(), value]),
  );
  const words = `${options.type ?? ''},${options.o ?? ''}`.toLowerCase().split(/[\s,]+/);
  const tmpfs = options.type?.toLowerCase() === 'tmpfs';
  if (
    words.includes('bind') ||
    words.includes('rbind') ||
    (options.device !== undefined && !tmpfs)
  ) {
    refuse(
      deny('volume.bind', 'local volume options that mount a host path are reserved to admin'),
    );
  }
}

/** networkConnect: the host network, by name or (once resolved) by its driver. */
export function checkNetworkConnect(
  principal: Principal,
  network: { Name?: string; Driver?: string },
): void {
  if (isAdmin(principal)) return;
  if (network.Name?.toLowerCase() === 'host' || network.Driver === 'host') {
    refuse(deny('network.host', 'the host network is reserved to admin'));
  }
}

/**
 * Exec as root is admin's. The user is the exec's own, else the container's (empty: root): before
 * the container is inspected an exec without a user passes, and is checked again with it.
 */
export function checkExecUser(
  principal: Principal,
  user: string | undefined,
  container?: { Config: { User?: string } },
): void {
  if (isAdmin(principal)) return;
  const effective = user ?? (container && (container.Config.User ?? ''));
  if (effective === undefined) return;
  if (effective === '' || isRootUser(effective)) {
    refuse(deny('exec.user-root', 'exec as root is reserved to admin; give a non-root user'));
  }
}

/** Pulls and pushes reach only registries in WHARF_REGISTRY_ALLOW (a push copies data out). */
export function checkRegistry(
  principal: Principal,
  policy: PolicyConfig,
  ref: string,
  action: 'pull' | 'push',
): void {
  if (isAdmin(principal) || registryAllowed(ref, policy.registryAllow)) return;
  refuse(deny(`${action}.registry`, 'the registry is not in WHARF_REGISTRY_ALLOW'));
}
