import t from 'tap'
import { createHotHistogram } from '../../core/hot-histogram.js'
import { createMetricsRegistry } from '../../core/metrics.js'

t.test('the hot histogram is exposed as a Prometheus histogram with cumulative buckets, sum and count', async (t) => {
  const registry = createMetricsRegistry({ processMetrics: false })
  const histogram = createHotHistogram({ name: 'x_seconds', help: 'x', buckets: [0.01, 0.001, 0.1], registry })
  for (const value of [0.0005, 0.001, 0.002, 0.05, 3]) histogram.observe(value)
  const text = await registry.metrics()
  t.equal(text, [
    '# HELP x_seconds x',
    '# TYPE x_seconds histogram',
    'x_seconds_bucket{le="0.001"} 2',
    'x_seconds_bucket{le="0.01"} 3',
    'x_seconds_bucket{le="0.1"} 4',
    'x_seconds_bucket{le="+Inf"} 5',
    'x_seconds_sum 3.0535',
    'x_seconds_count 5',
    ''
  ].join('\n'))
  t.equal(histogram.count, 5)
})
