// A small SVG line chart (no library): points [{ts, value}], the metric's normal range shaded.
const NS = 'http://www.w3.org/2000/svg'

function node (tag, attributes, text) {
  const element = document.createElementNS(NS, tag)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value))
  if (text !== undefined) element.textContent = text
  return element
}

function label (ms, spanMs) {
  const date = new Date(ms)
  return spanMs > 2 * 86_400_000 ? date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

export function renderLineChart (svg, points, options = {}) {
  const width = svg.clientWidth || 800
  const height = svg.clientHeight || 260
  const pad = { left: 48, right: 12, top: 12, bottom: 24 }
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`)
  svg.replaceChildren()
  if (points.length === 0) {
    svg.append(node('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'no readings in this range'))
    return
  }
  const xs = points.map((p) => Date.parse(p.ts))
  const ys = points.map((p) => p.value)
  const normal = options.normal ?? null
  let minY = Math.min(...ys, ...(normal ? [normal.min] : []))
  let maxY = Math.max(...ys, ...(normal ? [normal.max] : []))
  if (minY === maxY) { minY -= 1; maxY += 1 }
  const minX = options.from ?? Math.min(...xs)
  const maxX = options.to ?? Math.max(...xs)
  const x = (ms) => pad.left + (ms - minX) / Math.max(1, maxX - minX) * (width - pad.left - pad.right)
  const y = (v) => height - pad.bottom - (v - minY) / (maxY - minY) * (height - pad.top - pad.bottom)
  if (normal) svg.append(node('rect', { class: 'normal', x: pad.left, width: width - pad.left - pad.right, y: y(normal.max), height: Math.max(0, y(normal.min) - y(normal.max)) }))
  svg.append(node('line', { class: 'axis', x1: pad.left, x2: width - pad.right, y1: height - pad.bottom, y2: height - pad.bottom }))
  svg.append(node('line', { class: 'axis', x1: pad.left, x2: pad.left, y1: pad.top, y2: height - pad.bottom }))
  for (const value of [minY, (minY + maxY) / 2, maxY]) {
    svg.append(node('text', { x: pad.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, `${Math.round(value * 10) / 10}`))
  }
  for (const ms of [minX, (minX + maxX) / 2, maxX]) {
    svg.append(node('text', { x: x(ms), y: height - 6, 'text-anchor': 'middle' }, label(ms, maxX - minX)))
  }
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(xs[i]).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')
  svg.append(node('path', { class: 'line', d }))
  if (options.unit) svg.append(node('text', { x: pad.left + 4, y: pad.top + 10 }, options.unit))
}
