import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { loadTracingConfig } from '../../src/tracing/tracing-config.ts';

describe('OTEL_* variables', () => {
  it('is off without an endpoint, and with OTEL_SDK_DISABLED', () => {
    expect(loadTracingConfig({})).toBeUndefined();
    expect(
      loadTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SDK_DISABLED: 'true',
      }),
    ).toBeUndefined();
    expect(loadConfig({}).tracing).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint and takes the traces endpoint as it is', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'wharf',
    });
    expect(
      loadTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
        OTEL_SERVICE_NAME: 'wharf-edge',
      }),
    ).toEqual({ tracesUrl: 'https://traces.example/otlp', serviceName: 'wharf-edge' });
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT=collector:4318/,
    );
    expect(() => loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(
      /not a URL/,
    );
  });
});
