// The device page's telemetry chart: picks a bucket for the range and draws the metric with its normal range.
import { api } from '/app.js'
import { renderLineChart } from '/insight/chart.js'

export async function renderChart (svg, deviceId, metrics, form) {
  const metric = form.get('metric')
  if (!metric) return
  const hours = Number(form.get('range') ?? 24)
  const to = Date.now()
  const from = to - hours * 3_600_000
  const bucket = hours <= 24 ? '1m' : '1h'
  const query = new URLSearchParams({ metric, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket, agg: 'avg' })
  const result = await api('GET', `/api/devices/${deviceId}/telemetry?${query}`)
  const definition = metrics.find((m) => m.name === metric)
  renderLineChart(svg, result.points, { normal: definition?.normal, unit: definition?.unit, from, to })
}
