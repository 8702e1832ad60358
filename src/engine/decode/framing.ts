/**
 * How an attach, exec or logs body is framed: `multiplexed` (8-byte frame headers, stdout and
 * stderr apart) or `raw` (the bytes of a TTY, one stream).
 */
export type Framing = 'multiplexed' | 'raw';

const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
const RAW = 'application/vnd.docker.raw-stream';

function mediaType(contentType: string | string[] | undefined): string | undefined {
  const header = Array.isArray(contentType) ? contentType[0] : contentType;
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * The multiplexed media type is always right. The raw one is not: engines before API 1.42 (Docker
 * 20.10) label attach and exec streams `raw-stream` even when they are multiplexed, so a known Tty
 * setting wins over it (the engine multiplexes exactly when there is no TTY). With neither, the
 * engine's default for a container without TTY: multiplexed.
 */
export function framingOf(
  contentType: string | string[] | undefined,
  tty: boolean | undefined,
): Framing {
  const type = mediaType(contentType);
  if (type === MULTIPLEXED) return 'multiplexed';
  if (tty !== undefined) return tty ? 'raw' : 'multiplexed';
  if (type === RAW) return 'raw';
  return 'multiplexed';
}
