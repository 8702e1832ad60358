import { builder } from './builder.ts';

/** Client-sent registry credentials, for pulls, pushes and services alike. */
const RegistryAuthInput = builder.inputType('RegistryAuthInput', {
  description:
    'Credentials for this operation only, instead of those Wharf holds for the registry. Admin only (FORBIDDEN, rule registry.client-credentials, for the others). A username and password, or an identity token. Never logged, audited or answered.',
  fields: (t) => ({
    username: t.string(),
    password: t.string(),
    identityToken: t.string(),
  }),
});

export const authArg = {
  type: RegistryAuthInput,
  description: 'Credentials of your own (admin only); Wharf’s for the registry when omitted.',
} as const;
