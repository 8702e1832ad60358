import type { ArgBuilder } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import { BadUserInputError, WharfError } from '../engine/errors.ts';
import {
  type ComposeProjectNode,
  type ComposeServiceNode,
  composeProjectAt,
  composeProjectList,
  composeProjectNodes,
  projectConfigFiles,
  projectContainers,
  projectNetworks,
  projectServices,
  projectStateCounts,
  projectStatus,
  projectVolumes,
  projectWorkingDir,
  runningCount,
  serviceContainers,
  serviceDependsOn,
  serviceImage,
} from '../model/compose.ts';
import {
  type ComposeAction,
  type ComposeActionArgs,
  type ComposeActionResult,
  type ComposeContainerOutcome,
  type ComposeObjectOutcome,
  composeProjectAction,
} from '../model/compose-writes.ts';
import { parseKey } from '../model/loaders/keys.ts';
import { builder, type Types } from './builder.ts';
import { engineConnection, enginesArg } from './engine-connection.ts';
import { Container, Network, Volume } from './nodes.ts';
import { reportPartial } from './partial-errors.ts';

/** A project by `<engine>/<name>`, loaded from one compose container list per engine. */
export const ComposeProject = builder.loadableNodeRef('ComposeProject', {
  id: { resolve: (project: ComposeProjectNode) => project.key },
  load: (keys: string[], ctx) => composeProjectNodes(ctx, keys),
  cacheResolved: (project) => project.key,
});

const ComposeProjectStatus = builder.enumType('ComposeProjectStatus', {
  values: {
    RUNNING: { value: 'running', description: 'Every container runs.' },
    PARTIAL: { value: 'partial', description: 'Some containers run, others do not.' },
    STOPPED: { value: 'stopped', description: 'No container runs (exited, created, paused…).' },
  } as const,
});

const ComposeStateCount = builder
  .objectRef<{ state: string; count: number }>('ComposeStateCount')
  .implement({
    fields: (t) => ({
      state: t.exposeString('state', { description: "The engine's state: running, exited, …" }),
      count: t.exposeInt('count'),
    }),
  });

const ComposeService = builder.objectRef<ComposeServiceNode>('ComposeService').implement({
  description: 'The containers of a project carrying one `com.docker.compose.service` label.',
  fields: (t) => ({
    name: t.exposeString('name'),
    image: t.string({
      nullable: true,
      description: 'The image its newest container was created from, as compose named it.',
      resolve: (service) => serviceImage(service),
    }),
    running: t.int({
      description: 'Containers (replicas) running now.',
      resolve: (service) => runningCount(service.containers),
    }),
    total: t.int({
      description: 'Containers (replicas), running or not.',
      resolve: (service) => service.containers.length,
    }),
    dependsOn: t.stringList({
      description:
        'Services it depends on, from the `com.docker.compose.depends_on` label compose v2 writes; empty from compose v1, which writes none.',
      resolve: (service) => serviceDependsOn(service),
    }),
    containers: t.field({
      type: [Container],
      description: 'By container number.',
      resolve: (service, _args, ctx) => serviceContainers(ctx, service),
    }),
  }),
});

ComposeProject.implement({
  description:
    'A compose project on one engine: the containers labelled `com.docker.compose.project` with its name (the ones this token may see). It is listed while it has a container, as `docker compose ls` lists it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    engine: t.string({ resolve: (project) => parseKey(project.key).engine }),
    status: t.field({ type: ComposeProjectStatus, resolve: (project) => projectStatus(project) }),
    statusText: t.string({
      description: 'As `docker compose ls` prints it: `exited(1), running(2)`.',
      resolve: (project) =>
        projectStateCounts(project)
          .map(({ state, count }) => `${state}(${count})`)
          .join(', '),
    }),
    stateCounts: t.field({
      type: [ComposeStateCount],
      description: 'Containers per state, by state.',
      resolve: (project) => projectStateCounts(project),
    }),
    containerCount: t.int({ resolve: (project) => project.containers.length }),
    runningCount: t.int({ resolve: (project) => runningCount(project.containers) }),
    workingDir: t.string({
      nullable: true,
      description: 'Where compose ran (`com.docker.compose.project.working_dir`).',
      resolve: (project) => projectWorkingDir(project),
    }),
    configFiles: t.stringList({
      description: 'The compose files (`com.docker.compose.project.config_files`), as given.',
      resolve: (project) => projectConfigFiles(project),
    }),
    services: t.field({
      type: [ComposeService],
      description: 'By name.',
      resolve: (project) => projectServices(project),
    }),
    containers: t.field({
      type: [Container],
      description: 'Every container of the project, running or not, by service and number.',
      resolve: (project, _args, ctx) => projectContainers(ctx, project),
    }),
    networks: t.field({
      type: [Network],
      description:
        'Networks labelled with the project (not external ones). One network list per engine.',
      resolve: (project, _args, ctx) => projectNetworks(ctx, project),
    }),
    volumes: t.field({
      type: [Volume],
      description:
        'Volumes labelled with the project (not external ones). One volume list per engine.',
      resolve: (project, _args, ctx) => projectVolumes(ctx, project),
    }),
  }),
});

const ComposeActionError = builder
  .objectRef<{ code: string; message: string }>('ComposeActionError')
  .implement({
    description: 'Why one object of a project action failed.',
    fields: (t) => ({
      code: t.exposeString('code', { description: 'As `extensions.code` would say it.' }),
      message: t.exposeString('message'),
    }),
  });

/** As a plain object: an Error a resolver returns is that field's error, not its value. */
function failure({ error }: { error: WharfError | null }) {
  return error && { code: error.code, message: error.message };
}

const ComposeContainerResult = builder
  .objectRef<ComposeContainerOutcome>('ComposeContainerResult')
  .implement({
    fields: (t) => ({
      id: t.globalID({
        description: "The container's global id (after a remove, the one it had).",
        resolve: (r) => ({ type: 'Container', id: r.key }),
      }),
      dockerId: t.string({ resolve: (r) => parseKey(r.key).id }),
      name: t.exposeString('name'),
      service: t.string({ nullable: true, resolve: (r) => r.service }),
      ok: t.boolean({ resolve: (r) => r.error === null }),
      changed: t.boolean({
        description: 'False when it failed, or the engine had nothing to do (already so).',
        resolve: (r) => r.changed,
      }),
      error: t.field({ type: ComposeActionError, nullable: true, resolve: failure }),
      container: t.field({
        type: Container,
        nullable: true,
        description: 'Read back after a start, stop or restart; null after a remove or a failure.',
        resolve: (r) => r.container,
      }),
    }),
  });

const ComposeRemovalResult = builder
  .objectRef<ComposeObjectOutcome & { type: 'Network' | 'Volume' }>('ComposeRemovalResult')
  .implement({
    description: 'A network or volume of a removed project.',
    fields: (t) => ({
      id: t.globalID({
        description: 'Its global id (the one it had, once removed).',
        resolve: (r) => ({ type: r.type, id: r.key }),
      }),
      name: t.exposeString('name'),
      removed: t.boolean({ resolve: (r) => r.error === null }),
      error: t.field({ type: ComposeActionError, nullable: true, resolve: failure }),
    }),
  });

const ComposeProjectActionResult = builder
  .objectRef<ComposeActionResult>('ComposeProjectActionResult')
  .implement({
    description:
      "A project action's outcome per container, in the order acted on. Each failed container (network, volume) is also an error on this field, beside the data.",
    fields: (t) => ({
      id: t.globalID({
        description: "The project's global id (after a remove, the one it had).",
        resolve: (r) => ({ type: 'ComposeProject', id: r.key }),
      }),
      ok: t.boolean({
        description: 'Every container, network and volume acted on succeeded.',
        resolve: (r) =>
          [...r.containers, ...r.networks, ...r.volumes].every((item) => item.error === null),
      }),
      project: t.field({
        type: ComposeProject,
        nullable: true,
        description: 'Read back; null once no container of it is left (after a remove).',
        resolve: (r) => r.key,
      }),
      containers: t.field({ type: [ComposeContainerResult], resolve: (r) => r.containers }),
      networks: t.field({
        type: [ComposeRemovalResult],
        description: 'Remove only: its networks.',
        resolve: (r) => r.networks.map((network) => ({ ...network, type: 'Network' as const })),
      }),
      volumes: t.field({
        type: [ComposeRemovalResult],
        description: 'Remove with `volumes: true` only: its volumes.',
        resolve: (r) => r.volumes.map((volume) => ({ ...volume, type: 'Volume' as const })),
      }),
    }),
  });

function projectArgs(arg: ArgBuilder<Types>) {
  return {
    name: arg.string({
      required: true,
      description: 'The project name (as `docker compose -p` takes it) or its global id.',
    }),
    engine: arg.string({
      description: 'The engine the project is on; the default one when omitted.',
    }),
  };
}

function seconds(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw new BadUserInputError('timeout must be a non-negative integer');
  return value;
}

/** Each failure is an error on the mutation's path too: a partial failure is never silent. */
function reportFailures(ctx: Context, info: GraphQLResolveInfo, result: ComposeActionResult) {
  const failed = [...result.containers, ...result.networks, ...result.volumes].flatMap((item) =>
    item.error
      ? [
          new WharfError(item.error.code, `${item.name}: ${item.error.message}`, {
            facts: { ...item.error.extensions, object: item.name },
            cause: item.error,
          }),
        ]
      : [],
  );
  reportPartial(ctx, info, failed);
  return result;
}

async function projectAction(
  ctx: Context,
  info: GraphQLResolveInfo,
  action: ComposeAction,
  args: ComposeActionArgs,
) {
  return reportFailures(ctx, info, await composeProjectAction(ctx, action, args));
}

const timeoutArg = {
  description:
    "Seconds to wait after the stop signal before SIGKILL; each container's own when absent.",
};

const ACTION_NOTE =
  'Acts on every container of the project this token may change, each as the container mutation would (audited, tenancy-checked), in dependency order: `com.docker.compose.depends_on` labels (compose v2) where there are some, else the order compose created the services in. NOT_FOUND when the project has no container; when every container fails, the first failure is the error.';

builder.queryFields((t) => ({
  composeProjects: t.connection({
    authScopes: { viewer: true },
    type: ComposeProject,
    description:
      'Compose projects, by name within each engine, engines in configured order. One container list per engine (its networks and volumes one list each, when selected).',
    args: { engines: enginesArg(t.arg) },
    resolve: async (_root, args, ctx, info) =>
      engineConnection(args, await composeProjectList(ctx, args), ctx, info),
  }),
  composeProject: t.field({
    authScopes: { viewer: true },
    type: ComposeProject,
    nullable: true,
    description: 'A project by name or global id; null when it has no container this token sees.',
    args: projectArgs(t.arg),
    resolve: (_root, args, ctx) => composeProjectAt(ctx, args),
  }),
}));

builder.mutationFields((t) => ({
  composeProjectStart: t.field({
    authScopes: { operator: true },
    type: ComposeProjectActionResult,
    description: `Starts the project's containers, dependencies first. ${ACTION_NOTE}`,
    args: projectArgs(t.arg),
    resolve: (_root, args, ctx, info) =>
      projectAction(ctx, info, 'start', { ...args, timeout: undefined }),
  }),
  composeProjectStop: t.field({
    authScopes: { operator: true },
    type: ComposeProjectActionResult,
    description: `Stops the project's containers, dependents first. ${ACTION_NOTE}`,
    args: { ...projectArgs(t.arg), timeout: t.arg.int(timeoutArg) },
    resolve: (_root, args, ctx, info) =>
      projectAction(ctx, info, 'stop', { ...args, timeout: seconds(args.timeout) }),
  }),
  composeProjectRestart: t.field({
    authScopes: { operator: true },
    type: ComposeProjectActionResult,
    description: `Restarts the project's containers, dependencies first. ${ACTION_NOTE}`,
    args: { ...projectArgs(t.arg), timeout: t.arg.int(timeoutArg) },
    resolve: (_root, args, ctx, info) =>
      projectAction(ctx, info, 'restart', { ...args, timeout: seconds(args.timeout) }),
  }),
  composeProjectRemove: t.field({
    authScopes: { operator: true },
    type: ComposeProjectActionResult,
    description: `As \`docker compose down\`: stops and removes the project's containers (dependents first), then its networks, and with \`volumes\` its volumes. ${ACTION_NOTE}`,
    args: {
      ...projectArgs(t.arg),
      timeout: t.arg.int(timeoutArg),
      volumes: t.arg.boolean({
        defaultValue: false,
        description: "Also remove the project's named volumes and its containers' anonymous ones.",
      }),
    },
    resolve: (_root, args, ctx, info) =>
      projectAction(ctx, info, 'remove', {
        ...args,
        timeout: seconds(args.timeout),
        volumes: args.volumes ?? false,
      }),
  }),
}));
