import { WharfError } from './errors.ts';
import type { EngineRegistry } from './registry.ts';

/** One engine's answer to `/readyz`: the error is a WharfError's message (no path, no cause). */
export interface EngineReadiness {
  name: string;
  ready: boolean;
  error: string | null;
}

/** A black-holed engine must not hold `/readyz` as long as an engine call may take. */
const PING_DEADLINE_MS = 5_000;

/** One engine's `/_ping`: never throws, a down engine is an answer. */
export async function engineReady(engines: EngineRegistry, name: string): Promise<EngineReadiness> {
  try {
    await engines.api(name)?.ping(AbortSignal.timeout(PING_DEADLINE_MS));
    return { name, ready: true, error: null };
  } catch (error) {
    const message = error instanceof WharfError ? error.message : 'the engine did not answer';
    return { name, ready: false, error: message };
  }
}

/**
 * Every engine's `/_ping`, at once. Wharf is ready while at least one answers: a query then gets
 * that engine's data, and the others' parts as ENGINE_UNAVAILABLE errors.
 */
export async function engineReadiness(
  engines: EngineRegistry,
): Promise<{ ready: boolean; engines: EngineReadiness[] }> {
  const answers = await Promise.all(engines.names().map((name) => engineReady(engines, name)));
  return { ready: answers.some((answer) => answer.ready), engines: answers };
}
