// A map drawn in SVG from the data alone: an equirectangular projection of the bounding box of what is
// shown (no tiles, no network). Engineers are circles by status, orders diamonds by priority (red ring
// when an SLA deadline is at risk), stations squares; a line joins an order to its engineer.
const NS = 'http://www.w3.org/2000/svg'
const STATUS_COLOURS = { available: '#1a7f37', busy: '#0b6bcb', on_break: '#b35900', off: '#9aa4b2' }
const PRIORITY_COLOURS = { critical: '#c62828', high: '#e65100', medium: '#0b6bcb', low: '#5b6675' }

function svg (tag, attributes = {}, ...children) {
  const node = document.createElementNS(NS, tag)
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(key, String(value))
  for (const child of children) node.append(child)
  return node
}

export function createMap (container, { onSelectOrder } = {}) {
  const width = 800
  const height = 520
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'dispatch-map', role: 'img', 'aria-label': 'Map of engineers and work orders' })
  container.replaceChildren(root)
  let selected = null

  function project (points) {
    const lats = points.map((p) => p.lat)
    const lngs = points.map((p) => p.lng)
    let minLat = Math.min(...lats); let maxLat = Math.max(...lats)
    let minLng = Math.min(...lngs); let maxLng = Math.max(...lngs)
    if (!Number.isFinite(minLat)) { minLat = -1; maxLat = 1; minLng = -1; maxLng = 1 }
    const padLat = Math.max(0.005, (maxLat - minLat) * 0.08)
    const padLng = Math.max(0.005, (maxLng - minLng) * 0.08)
    minLat -= padLat; maxLat += padLat; minLng -= padLng; maxLng += padLng
    const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180)
    const scale = Math.min(width / ((maxLng - minLng) * kx), height / (maxLat - minLat))
    const offsetX = (width - (maxLng - minLng) * kx * scale) / 2
    const offsetY = (height - (maxLat - minLat) * scale) / 2
    return (p) => [offsetX + (p.lng - minLng) * kx * scale, height - offsetY - (p.lat - minLat) * scale]
  }

  return {
    select (orderId) { selected = orderId },
    draw ({ stations = [], engineers = [], orders = [] }) {
      const located = (items, key) => items.filter((item) => item[key])
      const xy = project([
        ...stations.map((s) => s.location), ...located(engineers, 'position').map((e) => e.position), ...located(orders, 'location').map((o) => o.location)
      ])
      const layers = [svg('rect', { x: 0, y: 0, width, height, fill: '#eef2f6' })]
      const byEngineer = new Map(engineers.map((e) => [e.id, e]))
      for (const order of located(orders, 'location')) {
        const engineer = order.engineerId ? byEngineer.get(order.engineerId) : null
        if (engineer?.position) {
          const [x1, y1] = xy(engineer.position); const [x2, y2] = xy(order.location)
          layers.push(svg('line', { x1, y1, x2, y2, stroke: '#0b6bcb', 'stroke-dasharray': '4 3', 'stroke-width': 1.5 }))
        }
      }
      for (const station of stations) {
        const [x, y] = xy(station.location)
        layers.push(svg('rect', { x: x - 6, y: y - 6, width: 12, height: 12, fill: '#fff', stroke: '#1c2430', 'stroke-width': 2 }, svg('title', {}, `Station ${station.code} — ${station.name}`)))
      }
      for (const engineer of located(engineers, 'position')) {
        const [x, y] = xy(engineer.position)
        layers.push(svg('circle', { cx: x, cy: y, r: 5, fill: STATUS_COLOURS[engineer.status] ?? '#999', stroke: '#fff', 'stroke-width': 1.5, 'data-engineer': engineer.id },
          svg('title', {}, `${engineer.name} — ${engineer.status}`)))
      }
      for (const order of located(orders, 'location')) {
        const [x, y] = xy(order.location)
        const isSelected = order.id === selected
        const size = isSelected ? 10 : 7
        const marker = svg('g', { class: 'order-marker', 'data-order': order.id, tabindex: 0, role: 'button', 'aria-label': `Order ${order.number}` })
        if (order.atRisk || order.breached) marker.append(svg('circle', { cx: x, cy: y, r: size + 5, fill: 'none', stroke: order.breached ? '#c62828' : '#e65100', 'stroke-width': 2 }))
        marker.append(svg('rect', {
          x: x - size / 2, y: y - size / 2, width: size, height: size, transform: `rotate(45 ${x} ${y})`,
          fill: PRIORITY_COLOURS[order.priority] ?? '#333', stroke: isSelected ? '#000' : '#fff', 'stroke-width': isSelected ? 2.5 : 1.5
        }), svg('title', {}, `#${order.number} ${order.priority} — ${order.status}: ${order.problem}`))
        marker.addEventListener('click', () => onSelectOrder?.(order.id))
        marker.addEventListener('keydown', (event) => { if (event.key === 'Enter') onSelectOrder?.(order.id) })
        layers.push(marker)
      }
      root.replaceChildren(...layers)
    }
  }
}
