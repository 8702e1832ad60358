import type { Plugin } from 'graphql-yoga';
import { Gauge, Registry } from 'prom-client';
import type { WebSocketServer } from 'ws';
import type { EngineRegistry } from '../engine/registry.ts';
import { engineMetrics } from './engine-metrics.ts';
import { type OperationMetrics, operationMetrics } from './operation-metrics.ts';
import { processMetrics } from './process-metrics.ts';
import { useSubscriptionMetrics } from './subscription-metrics.ts';

/** One gateway's metrics (several gateways may share a process: each has its own registry). */
export interface GatewayMetrics extends OperationMetrics {
  /** The envelop plugin that counts running subscriptions; goes beside the subscription caps. */
  readonly subscriptions: Plugin;
  /** Counts the gateway's WebSocket connections. */
  watchWebSockets(server: WebSocketServer): void;
  /** The text exposition of this gateway's and the process's metrics. */
  scrape(): Promise<{ contentType: string; body: string }>;
  /** Stops observing the engines' calls. */
  close(): void;
}

export function createGatewayMetrics(engines: EngineRegistry): GatewayMetrics {
  const registry = new Registry();
  const operations = operationMetrics(registry);
  const stopEngines = engineMetrics(registry, engines);
  let sockets: WebSocketServer | undefined;
  new Gauge({
    name: 'wharf_websocket_connections',
    help: 'WebSocket connections open now (graphql-ws)',
    registers: [registry],
    collect() {
      this.set(sockets?.clients.size ?? 0);
    },
  });
  return {
    ...operations,
    subscriptions: useSubscriptionMetrics(registry),
    watchWebSockets(server) {
      sockets = server;
    },
    async scrape() {
      // Merged per scrape: a merge holds only the metrics registered before it.
      const exposed = Registry.merge([processMetrics(), registry]);
      return { contentType: exposed.contentType, body: await exposed.metrics() };
    },
    close: stopEngines,
  };
}
