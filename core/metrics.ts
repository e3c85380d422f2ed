import { Registry, collectDefaultMetrics } from 'prom-client'

export type MetricsRegistry = Registry

/**
 * One Prometheus registry per platform instance (never prom-client's global one), so that several
 * instances in one process — tests, benchmarks — keep separate counts. Modules register their own
 * counters and histograms on it; web serves it at GET /metrics.
 */
export function createMetricsRegistry (options: { processMetrics?: boolean } = {}): MetricsRegistry {
  const registry = new Registry()
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'afterline_' })
  return registry
}
