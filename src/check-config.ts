import { readFileSync } from 'node:fs';
import { loadConfig } from './config.ts';
import { credentialsSummary } from './credentials/credentials-config.ts';

/** The version in package.json: the one `npm` installed, whatever the checkout says. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}

/**
 * `wharf check-config`: the environment read exactly as `wharf serve` reads it (the same parsers,
 * so the same refusals, each naming its file and entry), without listening or calling an engine.
 * Answers a short summary of what would be served.
 */
export function checkConfig(env: Record<string, string | undefined>): string {
  const config = loadConfig(env);
  const engines = config.engines.list.map(({ name }) =>
    name === config.engines.defaultName ? `${name} (default)` : name,
  );
  const tokens = config.tokens
    ? `${config.tokens.entries.length} from ${config.tokens.file}`
    : 'none (loopback clients are admin)';
  const rate = config.mutationRate;
  return [
    'ok',
    `  engines: ${engines.join(', ')} from ${config.engines.file ?? 'DOCKER_HOST'}`,
    `  tokens: ${tokens}`,
    `  policy: bind allow ${list(config.policy.bindAllow)}; registries ${list(config.policy.registryAllow)}; log drivers ${list(config.policy.logDriverAllow)}; deny root user ${config.policy.denyRootUser}`,
    `  registry credentials: ${credentialsSummary(config.registryAuth)}`,
    `  mutation rate: ${rate ? `${rate.max} calls of one mutation per token per ${rate.windowMs / 1_000} s` : 'off'}`,
    `  listen: ${config.listen.host}:${config.listen.port}`,
    '',
  ].join('\n');
}
