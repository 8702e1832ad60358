import { abortable } from '../engine/iterate.ts';
import { swarmTarget } from '../model/engine-refs.ts';
import { followRollout, type RolloutProgress } from '../model/swarm-rollout.ts';
import { builder } from './builder.ts';

const ServiceRollout = builder.objectRef<RolloutProgress>('ServiceRollout').implement({
  description: 'A service’s rollout as it stands.',
  fields: (t) => ({
    serviceId: t.exposeString('service', { description: 'The service’s id in the swarm.' }),
    runningTasks: t.exposeInt('runningTasks'),
    desiredTasks: t.exposeInt('desiredTasks'),
    state: t.exposeString('state', {
      nullable: true,
      description:
        'The engine’s UpdateStatus: updating, paused, completed, rollback_started, rollback_paused, rollback_completed; null before any update.',
    }),
    message: t.exposeString('message', { nullable: true }),
    done: t.exposeBoolean('done', {
      description: 'The last one: the rollout converged or paused, or the service was removed.',
    }),
    removed: t.exposeBoolean('removed'),
  }),
});

builder.subscriptionField('serviceRollout', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: ServiceRollout,
    description:
      'Follows a service’s update or rollback: its progress now, then at each change its events bring, until it converges, pauses (or rolls back and settles) or the service is removed (`done`). Fed by the engine’s one shared event stream.',
    args: {
      ref: t.arg.string({ required: true }),
      engine: t.arg.string({ description: 'A swarm manager; the default when omitted.' }),
    },
    subscribe: (_root, args, ctx) =>
      abortable((signal) => followRollout(ctx, swarmTarget('service', args), signal)),
    resolve: (progress) => progress,
  }),
);
