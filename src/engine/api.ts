import { checkPin, negotiateApiVersion } from './api-version.ts';
import { outsideCallScope } from './call-scope.ts';
import { EngineError } from './errors.ts';
import type { Hijacked } from './hijack.ts';
import type {
  BufferedResponse,
  HttpMethod,
  RequestOptions,
  StreamResponse,
  Transport,
} from './transport.ts';

export interface ApiVersionInfo {
  /** The version every call uses. */
  version: string;
  /** What the engine announced in `/_ping`. */
  engineMax: string;
}

/**
 * The versioned Engine API: every path is sent as `/v{version}{path}`. Without a pin the version is
 * negotiated on first use; a failed negotiation is tried again on the next call, so an engine that
 * starts after Wharf is picked up without a restart. With a pin no call waits for `/_ping`.
 */
export interface EngineApi {
  readonly engine: string;
  /** The version in use and the engine's own maximum (this asks `/_ping` once, pinned or not). */
  version(): Promise<ApiVersionInfo>;
  json<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** For calls whose success has no body, or where 304 ("already so") must be told apart. */
  call(method: HttpMethod, path: string, options?: RequestOptions): Promise<BufferedResponse>;
  stream(method: HttpMethod, path: string, options?: RequestOptions): Promise<StreamResponse>;
  hijack(path: string, options?: RequestOptions): Promise<Hijacked>;
  /** Unversioned `/_ping`: is the engine there at all. */
  ping(signal?: AbortSignal): Promise<void>;
}

function announcedVersion(response: BufferedResponse): string {
  const header = response.headers['api-version'];
  const announced = Array.isArray(header) ? header[0] : header;
  if (!announced || !/^1\.\d{1,3}$/.test(announced)) {
    throw new EngineError(
      'ENGINE_ERROR',
      response.statusCode,
      'the engine answered /_ping without a valid Api-Version header',
    );
  }
  return announced;
}

export function createEngineApi(transport: Transport, pin?: string): EngineApi {
  if (pin) checkPin(pin);
  let negotiated: Promise<ApiVersionInfo> | undefined;

  function version(): Promise<ApiVersionInfo> {
    if (!negotiated) {
      // Shared by every waiting caller, so it belongs to no caller's operation: none is charged
      // for it and no abort cancels it; the transport's deadline bounds it.
      negotiated = outsideCallScope(() => transport.request('GET', '/_ping')).then((response) => {
        const engineMax = announcedVersion(response);
        return { engineMax, version: negotiateApiVersion(engineMax, pin) };
      });
      negotiated.catch(() => {
        negotiated = undefined;
      });
    }
    return negotiated;
  }

  async function versioned(path: string): Promise<string> {
    return `/v${pin ?? (await version()).version}${path}`;
  }

  return {
    engine: transport.engine,
    version,

    async json<T>(method: HttpMethod, path: string, options: RequestOptions = {}) {
      const response = await transport.request(method, await versioned(path), options);
      if (response.body.length === 0) return undefined as T;
      try {
        return JSON.parse(response.body.toString('utf8')) as T;
      } catch {
        throw new EngineError(
          'ENGINE_ERROR',
          response.statusCode,
          `the engine sent invalid JSON for ${path}`,
        );
      }
    },

    async call(method, path, options = {}) {
      return transport.request(method, await versioned(path), options);
    },

    async stream(method, path, options = {}) {
      return transport.stream(method, await versioned(path), options);
    },

    async hijack(path, options = {}) {
      return transport.hijack(await versioned(path), options);
    },

    async ping(signal) {
      await transport.request('GET', '/_ping', signal ? { signal } : {});
    },
  };
}
