import { api, el, formatTime, live, me, showError } from '/app.js'
import { createMap } from '/dispatch/map.js'

const error = document.getElementById('error')
const ordersBody = document.querySelector('#orders tbody')
const candidatesBody = document.querySelector('#candidates tbody')
let snapshot = { stations: [], engineers: [], orders: [] }
let selectedId = null
const map = createMap(document.getElementById('map'), { onSelectOrder: (id) => select(id) })

function visibleOrders () {
  const filter = document.getElementById('filter').value
  return snapshot.orders.filter((o) => filter === 'open' || (filter === 'new' ? o.status === 'new' : o.status !== 'new'))
}

function renderOrders () {
  ordersBody.replaceChildren(...visibleOrders().map((order) => {
    const row = el('tr', { 'data-order': order.id, class: order.id === selectedId ? 'selected' : '', onclick: () => select(order.id) },
      el('td', {}, `#${order.number}`),
      el('td', {}, el('span', { class: `pill ${order.priority === 'critical' ? 'bad' : order.priority === 'high' ? 'warn' : ''}` }, order.priority)),
      el('td', { class: 'status' }, order.status),
      el('td', {}, formatTime(order.arriveBy), order.breached ? el('span', { class: 'pill bad' }, ' breached') : order.atRisk ? el('span', { class: 'pill warn' }, ' at risk') : ''))
    return row
  }))
  document.getElementById('counts').textContent =
    `${snapshot.engineers.filter((e) => e.status === 'available').length} available of ${snapshot.engineersTotal ?? snapshot.engineers.length} engineers · ${snapshot.ordersTotal ?? snapshot.orders.length} open orders`
}

async function refresh () {
  try {
    snapshot = await api('GET', '/api/dispatch/map')
    map.select(selectedId)
    map.draw(snapshot)
    renderOrders()
    if (selectedId) await renderDetail()
  } catch (e) { showError(error, e) }
}

async function assign (orderId, engineerId, button) {
  button.disabled = true
  try {
    await api('POST', `/api/work-orders/${orderId}/assign`, { engineerId })
    error.textContent = ''
    await refresh()
  } catch (e) {
    showError(error, e)
    button.disabled = false
  }
}

async function renderDetail () {
  const order = await api('GET', `/api/work-orders/${selectedId}`)
  document.getElementById('detail').hidden = false
  document.getElementById('detail-title').textContent = `Order #${order.number} · ${order.status}`
  document.getElementById('detail-problem').textContent = order.problem
  // Who to call: the contact on the order (for a customer's own request, the caller), and whose machine it is.
  const customer = order.customer ?? {}
  const contact = [customer.name, customer.phone, customer.email].filter((part) => typeof part === 'string' && part !== '').join(' · ')
  document.getElementById('detail-customer').textContent =
    `${contact || 'No contact given'}${customer.owner ? ` · machine of ${customer.owner}` : ''}${customer.address ? ` · ${customer.address}` : ''} · contract ${order.contract}`
  const held = order.engineerId ? ` · ${snapshot.engineers.find((e) => e.id === order.engineerId)?.name ?? 'engineer'}${order.answerBy ? `, to answer by ${formatTime(order.answerBy)}` : ''}` : ''
  const slaState = order.sla.breached ? ' · SLA breached' : order.sla.atRisk ? ' · SLA at risk' : ''
  document.getElementById('detail-meta').textContent =
    `${order.priority} · ${order.source}${held}${slaState} · respond by ${formatTime(order.sla.respondBy)} · arrive by ${formatTime(order.sla.arriveBy)} · resolve by ${formatTime(order.sla.resolveBy)}`
  document.getElementById('timeline').replaceChildren(...order.timeline.map((entry) =>
    el('li', {}, el('span', {}, `${entry.kind}${entry.toStatus && entry.toStatus !== entry.fromStatus ? ` → ${entry.toStatus}` : ''}${entry.details?.reason ? ` (${entry.details.reason})` : ''}`), el('span', { class: 'muted' }, `${entry.actor.name} · ${formatTime(entry.at)}`))))
  if (order.status !== 'new' || !order.location) {
    candidatesBody.replaceChildren()
    document.getElementById('no-candidates').hidden = true
    return
  }
  const { candidates } = await api('GET', `/api/work-orders/${selectedId}/candidates?limit=8`)
  const names = new Map(snapshot.engineers.map((e) => [e.id, e.name]))
  document.getElementById('no-candidates').hidden = candidates.length > 0
  candidatesBody.replaceChildren(...candidates.map((c) => {
    const button = el('button', { type: 'button', 'data-assign': c.engineerId }, 'Assign')
    button.addEventListener('click', () => assign(selectedId, c.engineerId, button))
    return el('tr', {},
      el('td', {}, names.get(c.engineerId) ?? c.engineerId, el('ul', { class: 'reasons' }, c.reasons.map((r) => el('li', {}, `${r.factor}: ${r.detail}`)))),
      el('td', {}, String(c.score)), el('td', {}, String(c.distanceKm)), el('td', {}, `${Math.round(c.etaMinutes)} min`), el('td', {}, button))
  }))
}

async function select (id) {
  selectedId = id
  map.select(id)
  map.draw(snapshot)
  renderOrders()
  try { await renderDetail() } catch (e) { showError(error, e) }
}

document.getElementById('filter').addEventListener('change', renderOrders)
document.getElementById('optimize').addEventListener('click', async () => {
  try {
    const result = await api('POST', '/api/dispatch/optimize', {})
    document.getElementById('optimize-result').textContent =
      `Assigned ${result.assigned.length} of ${result.orders} waiting orders (cost ${result.totalCost} vs ${result.oneByOneCost} one by one)` +
      (result.conflicts.length ? `; ${result.conflicts.length} changed meanwhile` : '')
    await refresh()
  } catch (e) { showError(error, e) }
})

const user = await me()
if (!user) location.href = '/'
else {
  document.getElementById('who').textContent = `${user.displayName} · ${user.role}`
  await refresh()
  // Live: any dispatch event refreshes the view (at most every half second).
  let pending = null
  const socket = live()
  for (const name of ['workorder.created', 'workorder.routed', 'workorder.assigned', 'workorder.accepted', 'workorder.rejected', 'workorder.status_changed',
    'workorder.completed', 'engineer.location_updated', 'engineer.status_changed', 'sla.at_risk', 'sla.breached']) {
    socket.on(name, () => { pending ??= setTimeout(() => { pending = null; refresh() }, 500) })
  }
}
