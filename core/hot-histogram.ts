import type { MetricsRegistry } from './metrics.js'

/**
 * A label-less Prometheus histogram for paths that observe once per device message: `observe` is a
 * bucket search over a typed array (no label hashing, no object per call), and the registry reads it
 * in the usual exposition format (`_bucket{le}`, `_sum`, `_count`) when scraped.
 */
export interface HotHistogram {
  observe (value: number): void
  readonly count: number
}

export function createHotHistogram (options: { name: string, help: string, buckets: readonly number[], registry: MetricsRegistry }): HotHistogram {
  const bounds = Float64Array.from([...options.buckets].sort((a, b) => a - b))
  const counts = new Float64Array(bounds.length + 1)
  let sum = 0
  let count = 0

  const metric = {
    name: options.name,
    help: options.help,
    type: 'histogram',
    aggregator: 'sum',
    async get () {
      const values: Array<{ metricName: string, labels: Record<string, string | number>, value: number }> = []
      let cumulative = 0
      for (let i = 0; i < bounds.length; i++) {
        cumulative += counts[i] as number
        values.push({ metricName: `${options.name}_bucket`, labels: { le: bounds[i] as number }, value: cumulative })
      }
      values.push({ metricName: `${options.name}_bucket`, labels: { le: '+Inf' }, value: count })
      values.push({ metricName: `${options.name}_sum`, labels: {}, value: sum })
      values.push({ metricName: `${options.name}_count`, labels: {}, value: count })
      return { name: options.name, help: options.help, type: 'histogram', values, aggregator: 'sum' }
    },
    reset () {
      counts.fill(0)
      sum = 0
      count = 0
    }
  }
  options.registry.registerMetric(metric as unknown as Parameters<MetricsRegistry['registerMetric']>[0])

  return {
    observe (value: number): void {
      let i = 0
      while (i < bounds.length && value > (bounds[i] as number)) i++
      counts[i] = (counts[i] as number) + 1
      sum += value
      count++
    },
    get count () { return count }
  }
}
