import { whoAmI } from '../model/permissions.ts';
import { builder } from './builder.ts';

const Role = builder.enumType('Role', {
  description: 'What a token may do; each role includes the one before it (README, Roles).',
  values: ['viewer', 'operator', 'admin'] as const,
});

const Me = builder.objectRef<ReturnType<typeof whoAmI>>('Me').implement({
  description:
    'Who this request is, as a client shows it (never the token). Per-object permissions are on the objects (`Container.allowedActions`).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The token’s name, or `local` without tokens.' }),
    role: t.field({ type: Role, resolve: (me) => me.role }),
    labels: t.exposeStringList('labels', {
      description: 'A tenant’s `key=value` labels: it sees and acts on objects carrying them all.',
    }),
    engines: t.exposeStringList('engines', { description: 'The engines this token may use.' }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    authScopes: { viewer: true },
    type: Me,
    resolve: (_root, _args, ctx) => whoAmI(ctx),
  }),
);
