import type { ContainerStateDetails } from '../types.ts';

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** go-units `HumanDuration`, which the engine uses for a list's `Status` ("Up 5 minutes"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

const HEALTH_WORDS: Record<string, string> = {
  starting: 'health: starting',
  healthy: 'healthy',
  unhealthy: 'unhealthy',
};

function since(time: string, now: number): string {
  return humanDuration(now - Date.parse(time));
}

/**
 * The list call's `Status` text, from inspect's state: the engine's `State.String()`. It ages
 * with the clock, not with events, so the cache computes it on every read instead of storing it.
 */
export function statusText(state: ContainerStateDetails, now = Date.now()): string {
  if (state.Running) {
    if (state.Paused) return `Up ${since(state.StartedAt, now)} (Paused)`;
    if (state.Restarting) {
      return `Restarting (${state.ExitCode}) ${since(state.FinishedAt, now)} ago`;
    }
    const health = state.Health && HEALTH_WORDS[state.Health.Status];
    return health
      ? `Up ${since(state.StartedAt, now)} (${health})`
      : `Up ${since(state.StartedAt, now)}`;
  }
  if (state.Status === 'removing') return 'Removal In Progress';
  if (state.Dead) return 'Dead';
  if (!state.StartedAt || state.StartedAt === ZERO_TIME) return 'Created';
  if (!state.FinishedAt || state.FinishedAt === ZERO_TIME) return '';
  return `Exited (${state.ExitCode}) ${since(state.FinishedAt, now)} ago`;
}
