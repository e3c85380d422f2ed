import { Counter, Gauge } from 'prom-client'
import type { MetricsRegistry } from '../../core/metrics.js'

/** Device insight's Prometheus metrics (served by web at GET /metrics). */
export function createInsightMetrics (registry: MetricsRegistry) {
  const registers = [registry]
  const sources = { readings: () => 0, openAlerts: () => 0 }
  return {
    sources,
    readings: new Gauge({ name: 'afterline_detection_readings_total', help: 'readings run through detection since start', registers, collect () { this.set(sources.readings()) } }),
    openAlerts: new Gauge({ name: 'afterline_alerts_open', help: 'alerts raised or acknowledged, not yet cleared', registers, collect () { this.set(sources.openAlerts()) } }),
    alertChanges: new Counter({ name: 'afterline_alert_changes_total', help: 'alerts raised, acknowledged and cleared, by kind and new status', labelNames: ['kind', 'status'] as const, registers })
  }
}
