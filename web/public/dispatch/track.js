import { api, el, formatTime, showError } from '/app.js'

const LABELS = {
  new: 'Received — finding an engineer', assigned: 'An engineer has been assigned', accepted: 'The engineer has accepted',
  en_route: 'The engineer is on the way', on_site: 'The engineer is with you', completed: 'Completed', cancelled: 'Cancelled'
}
const EVENTS = {
  created: 'Request received', assigned: 'Engineer assigned', accepted: 'Engineer accepted', reassigning: 'Finding another engineer',
  en_route: 'On the way', on_site: 'Arrived', completed: 'Completed', cancelled: 'Cancelled'
}
const token = new URLSearchParams(location.search).get('t') ?? ''
const error = document.getElementById('error')

async function refresh () {
  try {
    const view = await api('GET', `/api/track/${encodeURIComponent(token)}`)
    document.getElementById('view').hidden = false
    document.getElementById('number').textContent = `Request #${view.number}`
    document.getElementById('status').textContent = LABELS[view.status] ?? view.status
    document.getElementById('engineer').textContent = view.engineer ? `Your engineer: ${view.engineer.firstName}` : ''
    document.getElementById('eta').textContent = view.etaMinutes !== null ? `Expected in about ${view.etaMinutes} min (${formatTime(view.eta)})` : ''
    document.getElementById('timeline').replaceChildren(...view.timeline.map((entry) =>
      el('li', {}, el('span', {}, EVENTS[entry.event] ?? entry.event), el('span', { class: 'muted' }, formatTime(entry.at)))))
  } catch (e) { showError(error, e) }
}

await refresh()
// Live: the order's own room, joined with the tracking code (no login); the ETA is refreshed every 30 s.
// eslint-disable-next-line no-undef
const socket = io({ query: { track: token }, transports: ['websocket', 'polling'] })
for (const name of ['workorder.assigned', 'workorder.accepted', 'workorder.rejected', 'workorder.status_changed', 'workorder.completed']) {
  socket.on(name, () => refresh())
}
setInterval(refresh, 30_000)
