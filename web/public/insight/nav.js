// Header for the insight pages: links by role and the logged-in user.
import { me } from '/app.js'

const LINKS = [
  { href: '/insight/alerts.html', text: 'Alerts', roles: ['admin', 'supervisor', 'agent', 'engineer'] },
  { href: '/insight/device.html', text: 'Devices', roles: ['admin', 'supervisor', 'agent', 'engineer'] },
  { href: '/insight/models.html', text: 'Device models', roles: ['admin'] },
  { href: '/insight/fault-codes.html', text: 'Fault codes', roles: null }
]

/** Fill the page header; resolves to the user (null when not logged in). */
export async function renderHeader () {
  const user = await me()
  const nav = document.querySelector('header.bar nav')
  nav.replaceChildren(...LINKS.filter((link) => link.roles === null || (user && link.roles.includes(user.role))).map((link) => {
    const a = document.createElement('a')
    a.href = link.href
    a.textContent = link.text
    if (location.pathname === link.href) a.setAttribute('aria-current', 'page')
    return a
  }))
  document.getElementById('who').textContent = user ? `${user.displayName ?? user.username} · ${user.role}` : ''
  return user
}

/** A page that needs a login sends the visitor home (where the login form is) without one. */
export function requireLogin (user) {
  if (user === null) {
    location.href = '/'
    return false
  }
  return true
}

export function summaryOf (alert) {
  const e = alert.evidence ?? {}
  if (alert.kind === 'fault_code') return `${e.code ?? ''} ${e.title ?? e.message ?? ''}`.trim()
  if (alert.kind === 'rul' && alert.rul) return `${e.condition ?? 'remaining useful life low'} (${Math.round(alert.rul.value)} h)`
  return e.condition ?? alert.cause
}

export function formatRul (rul) {
  if (!rul) return '—'
  return `${Math.round(rul.value)} ${rul.unit === 'hours' ? 'h' : rul.unit} (${Math.round(rul.lower)}–${Math.round(rul.upper)})`
}
