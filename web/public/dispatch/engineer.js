import { api, el, formatTime, live, me, showError } from '/app.js'

const error = document.getElementById('error')
let profile = null
let watch = null

const NEXT = {
  assigned: [['accept', 'Accept'], ['reject', 'Reject']],
  accepted: [['depart', 'On my way'], ['reject', 'Reject']],
  en_route: [['arrive', 'Arrived']],
  on_site: [['complete', 'Complete']]
}

async function act (order, step) {
  try {
    if (step === 'reject') {
      const reason = prompt('Why can you not take this order?')
      if (!reason) return
      await api('POST', `/api/work-orders/${order.id}/reject`, { reason })
    } else if (step === 'complete') {
      const notes = document.getElementById(`notes-${order.id}`).value
      const partsUsed = document.getElementById(`parts-${order.id}`).value.split(/\s+/).filter(Boolean)
      await api('POST', `/api/work-orders/${order.id}/complete`, { notes, partsUsed })
    } else {
      await api('POST', `/api/work-orders/${order.id}/${step}`)
    }
    error.textContent = ''
    await refresh()
  } catch (e) { showError(error, e) }
}

function card (order) {
  const steps = NEXT[order.status] ?? []
  const navigate = order.location ? el('a', { href: `geo:${order.location.lat},${order.location.lng}` }, 'Open in maps') : ''
  // The contact given with the order: for a customer's own request, whoever is at the machine.
  const dial = typeof order.customer?.phone === 'string' ? order.customer.phone.replace(/[^+0-9]/g, '') : ''
  const call = dial.length >= 5 ? el('a', { href: `tel:${dial}`, class: 'call' }, `Call ${order.customer.phone}`) : ''
  return el('article', { class: 'order-card', 'data-order': order.id },
    el('h3', {}, `#${order.number} · ${order.priority} · `, el('span', { class: 'status' }, order.status)),
    el('p', {}, order.problem),
    order.answerBy
      ? el('p', { class: 'answer-by' }, `Answer by ${new Date(order.answerBy).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: an offer left unanswered goes to another engineer, and you are set off until you say you are available.`)
      : '',
    el('p', { class: 'muted' }, `${order.customer?.name ?? 'Customer'}${order.customer?.address ? ` — ${order.customer.address}` : ''} · arrive by ${formatTime(order.sla.arriveBy)} `, navigate, call ? ' · ' : '', call),
    order.requiredParts.length ? el('p', { class: 'muted' }, `Parts: ${order.requiredParts.join(', ')}`) : '',
    order.status === 'on_site'
      ? el('div', {}, el('label', { for: `notes-${order.id}` }, 'Notes'), el('textarea', { id: `notes-${order.id}`, rows: 2 }),
          el('label', { for: `parts-${order.id}` }, 'Codes of parts fitted (scan or type, separated by spaces)'), el('input', { id: `parts-${order.id}` }))
      : '',
    el('div', { class: 'actions' }, steps.map(([step, label]) => {
      const button = el('button', { type: 'button', class: step === 'reject' ? 'secondary' : '', 'data-step': step }, label)
      button.addEventListener('click', () => act(order, step))
      return button
    })))
}

async function refresh () {
  try {
    profile = await api('GET', '/api/engineers/me')
    document.getElementById('status').textContent = profile.status
    // Every order the engineer holds, however long ago it was opened; then the last few completed.
    const [{ workOrders: open }, { workOrders: done }] = await Promise.all([
      api('GET', '/api/work-orders?status=assigned&status=accepted&status=en_route&status=on_site&limit=50'),
      api('GET', '/api/work-orders?status=completed&limit=5')
    ])
    const container = document.getElementById('orders')
    // A live update re-draws the cards: keep what is being typed into the completion fields.
    const typed = [...container.querySelectorAll('textarea, input')].map((field) => [field.id, field.value])
    container.replaceChildren(...(open.length ? open.map(card) : [el('p', { class: 'muted' }, 'Nothing assigned to you.')]),
      ...(done.length ? [el('h3', {}, 'Recently completed'), ...done.map((o) => el('p', { class: 'muted' }, `#${o.number} ${o.problem} — ${formatTime(o.sla.resolvedAt)}`))] : []))
    for (const [id, value] of typed) {
      const field = document.getElementById(id)
      if (field && value) field.value = value
    }
  } catch (e) { showError(error, e) }
}

for (const button of document.querySelectorAll('[data-status]')) {
  button.addEventListener('click', async () => {
    try {
      await api('PUT', `/api/engineers/${profile.id}/status`, { status: button.dataset.status })
      await refresh()
    } catch (e) { showError(error, e) }
  })
}

document.getElementById('share').addEventListener('change', (event) => {
  if (!event.target.checked) {
    if (watch !== null) navigator.geolocation.clearWatch(watch)
    watch = null
    return
  }
  if (!('geolocation' in navigator)) { error.textContent = 'This browser cannot share its location.'; event.target.checked = false; return }
  watch = navigator.geolocation.watchPosition(async (fix) => {
    const body = { lat: fix.coords.latitude, lng: fix.coords.longitude, at: new Date(fix.timestamp).toISOString(), accuracyM: fix.coords.accuracy }
    try {
      await api('PUT', `/api/engineers/${profile.id}/location`, body)
      document.getElementById('position').textContent = `Shared ${body.lat.toFixed(5)}, ${body.lng.toFixed(5)} at ${formatTime(body.at)}`
    } catch (e) { showError(error, e) }
  }, (e) => { error.textContent = `Location unavailable: ${e.message}` }, { enableHighAccuracy: true, maximumAge: 15000 })
})

const user = await me()
if (!user) location.href = '/'
else {
  document.getElementById('who').textContent = `${user.displayName} · ${user.role}`
  await refresh()
  const socket = live()
  for (const name of ['workorder.assigned', 'workorder.status_changed', 'workorder.rejected', 'engineer.status_changed', 'sla.at_risk', 'sla.breached']) {
    socket.on(name, (event) => {
      if (name === 'workorder.status_changed' && event.reason === 'offer_expired' && event.previousEngineerUserId === user.id) {
        error.textContent = `Order #${event.number} went to someone else: it was not accepted in time. You are off until you choose Available.`
      }
      refresh()
    })
  }
}
