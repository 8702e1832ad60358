import './scalars.ts';
import './common.ts';
import './containers.ts';
import './images.ts';
import './networks.ts';
import './volumes.ts';
import './system.ts';
import './engine-health.ts';
import './events.ts';
import './logs.ts';
import './stats.ts';
import './exec.ts';
import './swarm.ts';
import './container-mutations.ts';
import './image-mutations.ts';
import './image-transfers.ts';
import './network-mutations.ts';
import './volume-mutations.ts';
import './swarm-mutations.ts';
import './swarm-rollout.ts';
import './compose.ts';
import './disk-usage.ts';
import './files.ts';
import './me.ts';
import { GraphQLLiveDirective } from '@n1ru4l/graphql-live-query';
import { GraphQLSchema } from 'graphql';
import { auditRootFields } from './audited-fields.ts';
import { assertRootScopes } from './auth-scopes.ts';
import { builder } from './builder.ts';

const built = builder.toSchema();
assertRootScopes(built);
const audited = auditRootFields(built);
// `@live` is served by the live-query plugin (src/live-queries.ts); the schema declares it.
export const schema = new GraphQLSchema({
  ...audited.toConfig(),
  directives: [...audited.getDirectives(), GraphQLLiveDirective],
});
