import { registryOf } from '../../engine/refs.ts';

/**
 * Only registries listed by exact `host[:port]` are reached, so a loopback or private address (or a
 * name for one, or another spelling of one, such as 127.1) is refused unless it is listed as is.
 */
export function registryAllowed(ref: string, allow: readonly string[]): boolean {
  return allow.includes(registryOf(ref));
}
