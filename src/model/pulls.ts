import type { EngineApi } from '../engine/api.ts';
import { type PullMessage, pullImage } from '../engine/images.ts';

/** One progress report of a pull, for one layer (or the whole image). */
export interface PullProgress {
  kind: 'progress';
  status: string;
  layerId: string | null;
  /** Bytes done of this layer. */
  current: number | null;
  /** Bytes of this layer, when known. */
  total: number | null;
  /** Overall progress over the layers whose sizes are known so far; null before any is. */
  percent: number | null;
}

interface LayerState {
  current: number;
  total: number | undefined;
}

/** Per-layer progress of one pull, summed into an overall percentage. */
export class PullTracker {
  private readonly layers = new Map<string, LayerState>();

  /** The engine's message, as a progress report with the overall percent so far. */
  report(message: PullMessage): PullProgress {
    const detail = message.progressDetail;
    if (message.id && detail && (detail.current !== undefined || detail.total !== undefined)) {
      const layer = this.layers.get(message.id) ?? { current: 0, total: undefined };
      layer.current = detail.current ?? layer.current;
      layer.total = detail.total && detail.total > 0 ? detail.total : layer.total;
      this.layers.set(message.id, layer);
    }
    if (message.id && /complete|already exists/i.test(message.status ?? '')) {
      const layer = this.layers.get(message.id);
      if (layer?.total !== undefined) layer.current = layer.total;
    }
    const sized = [...this.layers.values()].filter((layer) => layer.total !== undefined);
    const total = sized.reduce((sum, layer) => sum + (layer.total ?? 0), 0);
    const done = sized.reduce((sum, layer) => sum + Math.min(layer.current, layer.total ?? 0), 0);
    return {
      kind: 'progress',
      status: message.status ?? '',
      layerId: message.id ?? null,
      current: detail?.current ?? null,
      total: detail?.total && detail.total > 0 ? detail.total : null,
      percent: total > 0 ? (done / total) * 100 : null,
    };
  }
}

/**
 * Pulls an image (no tag means `latest`), yielding its progress; returns once the engine has it.
 * A failure the engine reports inside its stream throws PullFailedError (PULL_FAILED).
 */
export async function* pullProgress(
  api: EngineApi,
  ref: string,
  options: { platform?: string | null | undefined; signal: AbortSignal },
): AsyncGenerator<PullProgress> {
  const tracker = new PullTracker();
  for await (const message of pullImage(api, ref, {
    platform: options.platform ?? undefined,
    signal: options.signal,
  })) {
    yield tracker.report(message);
  }
}
