import { Counter, Gauge, Histogram } from 'prom-client'
import { createHotHistogram } from '../core/hot-histogram.js'
import type { MetricsRegistry } from '../core/metrics.js'

/** The gateway's Prometheus metrics (served by web at GET /metrics). */
export interface GaugeSources {
  spoolBacklogBytes: () => number
  spoolPending: () => number
  spoolWaiting: () => number
  clients: () => number
}

export function createGatewayMetrics (registry: MetricsRegistry) {
  const registers = [registry]
  /** Gauges read their value when scraped; the ingest service and broker plug their readers in here. */
  const sources: GaugeSources = { spoolBacklogBytes: () => 0, spoolPending: () => 0, spoolWaiting: () => 0, clients: () => 0 }
  return {
    sources,
    accepted: new Counter({ name: 'afterline_mqtt_messages_accepted_total', help: 'device messages validated and stored, by kind', labelNames: ['kind'] as const, registers }),
    rejected: new Counter({ name: 'afterline_mqtt_messages_rejected_total', help: 'device messages refused by validation and stored as dead letters, by reason code', labelNames: ['reason'] as const, registers }),
    readings: new Counter({ name: 'afterline_readings_accepted_total', help: 'readings validated and stored', registers }),
    duplicateReadings: new Counter({ name: 'afterline_readings_duplicate_total', help: 'readings already stored for that device, metric and time (resent), not stored again', registers }),
    spooled: new Counter({ name: 'afterline_spool_appended_total', help: 'messages durable in the ingest spool (acknowledged)', registers }),
    spoolBacklogBytes: new Gauge({ name: 'afterline_spool_backlog_bytes', help: 'bytes in the spool not yet written to the database', registers, collect () { this.set(sources.spoolBacklogBytes()) } }),
    spoolPending: new Gauge({ name: 'afterline_spool_pending_messages', help: 'spooled messages not yet written to the database', registers, collect () { this.set(sources.spoolPending()) } }),
    spoolWaiting: new Gauge({ name: 'afterline_spool_waiting_appends', help: 'messages waiting for spool space (backpressure)', registers, collect () { this.set(sources.spoolWaiting()) } }),
    // Observed for every message: the cheap histogram.
    ackLatency: createHotHistogram({
      name: 'afterline_ingest_ack_latency_seconds',
      help: 'time from receiving a PUBLISH to releasing its acknowledgement (durable in the spool)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registry
    }),
    dbWriteLatency: new Histogram({
      name: 'afterline_db_write_latency_seconds',
      help: 'time to write one drained batch to the database',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers
    }),
    dbRowsWritten: new Counter({ name: 'afterline_db_rows_written_total', help: 'readings, events and dead letters written by the drainer', labelNames: ['table'] as const, registers }),
    unstorable: new Counter({ name: 'afterline_ingest_unstorable_total', help: 'messages the database refused on their own, set aside in the spool folder (unstorable.jsonl)', registers }),
    dbWriteFailures: new Counter({ name: 'afterline_db_write_failures_total', help: 'failed drain batches (retried)', registers }),
    clients: new Gauge({ name: 'afterline_mqtt_clients_connected', help: 'device connections open', registers, collect () { this.set(sources.clients()) } }),
    refused: new Counter({ name: 'afterline_mqtt_connections_refused_total', help: 'connections refused (at CONNECT, or for a packet over MQTT_MAX_PACKET_BYTES), by reason', labelNames: ['reason'] as const, registers }),
    aclDenied: new Counter({ name: 'afterline_mqtt_acl_denied_total', help: 'publishes and subscriptions outside the device\'s own topics', labelNames: ['action'] as const, registers })
  }
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>
