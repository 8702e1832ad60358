import { negotiateApiVersion } from './api-version.ts';
import { EngineError } from './errors.ts';
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
 * The versioned Engine API: every path is sent as `/v{version}{path}`. The version is negotiated on
 * first use and again after a failure, so an engine that starts (or is upgraded) after Wharf is
 * picked up without a restart.
 */
export interface EngineApi {
  readonly engine: string;
  version(signal?: AbortSignal): Promise<ApiVersionInfo>;
  json<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** For calls whose success has no body, or where 304 ("already so") must be told apart. */
  call(method: HttpMethod, path: string, options?: RequestOptions): Promise<BufferedResponse>;
  stream(method: HttpMethod, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** Unversioned `/_ping`: is the engine there at all. */
  ping(signal?: AbortSignal): Promise<void>;
}

export function createEngineApi(transport: Transport, pin?: string): EngineApi {
  let negotiated: Promise<ApiVersionInfo> | undefined;

  async function negotiate(signal?: AbortSignal): Promise<ApiVersionInfo> {
    const response = await transport.request('GET', '/_ping', signal ? { signal } : {});
    const header = response.headers['api-version'];
    const engineMax = Array.isArray(header) ? header[0] : header;
    if (!engineMax) {
      throw new EngineError(
        'ENGINE_ERROR',
        response.statusCode,
        'engine /_ping sent no Api-Version',
      );
    }
    return { engineMax, version: negotiateApiVersion(engineMax, pin) };
  }

  function version(signal?: AbortSignal): Promise<ApiVersionInfo> {
    if (!negotiated) {
      negotiated = negotiate(signal);
      negotiated.catch(() => {
        negotiated = undefined;
      });
    }
    return negotiated;
  }

  async function versioned(path: string, signal?: AbortSignal): Promise<string> {
    return `/v${(await version(signal)).version}${path}`;
  }

  return {
    engine: transport.engine,
    version,

    async json<T>(method: HttpMethod, path: string, options: RequestOptions = {}) {
      const response = await transport.request(
        method,
        await versioned(path, options.signal),
        options,
      );
      if (response.body.length === 0) return undefined as T;
      return JSON.parse(response.body.toString('utf8')) as T;
    },

    async call(method, path, options = {}) {
      return transport.request(method, await versioned(path, options.signal), options);
    },

    async stream(method, path, options = {}) {
      return transport.stream(method, await versioned(path, options.signal), options);
    },

    async ping(signal) {
      await transport.request('GET', '/_ping', signal ? { signal } : {});
    },
  };
}
