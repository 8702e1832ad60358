import type { ContainerStateDetails } from '../engine/types.ts';

/**
 * The exit code of a container's last finished run. The engine says 0 while it runs (a start
 * resets it) and keeps a code for a container that never finished: both are null here. A
 * restarting container's code is the run that just ended.
 */
export function lastExitCode(state: ContainerStateDetails): number | null {
  if (state.Running && !state.Restarting) return null;
  if (!state.FinishedAt || state.FinishedAt.startsWith('0001-01-01')) return null;
  return state.ExitCode;
}
