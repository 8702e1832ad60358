import { BadUserInputError, EngineError } from './errors.ts';

/** Engine 20.10. Older engines lack fields the schema relies on (e.g. the `ConsoleSize` of exec). */
export const MIN_API_VERSION = '1.41';
/** The newest Engine API this code was written against; newer engines are spoken to at this version. */
export const MAX_API_VERSION = '1.47';

const VERSION_FORMAT = /^1\.(\d{1,3})$/;

export function parseApiVersion(version: string): number {
  const match = VERSION_FORMAT.exec(version.trim());
  if (!match?.[1])
    throw new BadUserInputError(`"${version}" is not an Engine API version like 1.41`);
  return Number(match[1]);
}

export function compareApiVersions(a: string, b: string): number {
  return parseApiVersion(a) - parseApiVersion(b);
}

export class UnsupportedEngineError extends EngineError {
  constructor(message: string) {
    super('ENGINE_UNSUPPORTED', 0, message);
  }
}

/** A pin (DOCKER_API_VERSION) wins over negotiation, but not over the floor. */
export function checkPin(pin: string): string {
  if (compareApiVersions(pin, MIN_API_VERSION) < 0) {
    throw new UnsupportedEngineError(
      `DOCKER_API_VERSION=${pin} is below ${MIN_API_VERSION}, the oldest Engine API Wharf supports`,
    );
  }
  return pin;
}

/**
 * min(engine max, MAX_API_VERSION), refusing engines below MIN_API_VERSION, as the Go client's
 * negotiateAPIVersion does.
 */
export function negotiateApiVersion(engineMax: string, pin?: string): string {
  if (pin) return checkPin(pin);
  if (compareApiVersions(engineMax, MIN_API_VERSION) < 0) {
    throw new UnsupportedEngineError(
      `the engine speaks Engine API ${engineMax}; Wharf needs ${MIN_API_VERSION} (Docker Engine 20.10) or newer`,
    );
  }
  return compareApiVersions(engineMax, MAX_API_VERSION) > 0 ? MAX_API_VERSION : engineMax;
}
