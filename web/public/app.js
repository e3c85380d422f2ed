// Shared helpers for Afterline's pages: the login token, JSON calls with coded errors, live updates.
const TOKEN_KEY = 'afterline.token'

export function token () { return localStorage.getItem(TOKEN_KEY) }
export function setToken (value) { value ? localStorage.setItem(TOKEN_KEY, value) : localStorage.removeItem(TOKEN_KEY) }

export class ApiError extends Error {
  constructor (body, status) {
    super(body?.message ?? `HTTP ${status}`)
    this.status = status
    this.code = body?.code
    this.field = body?.field
  }
}

/** Call the API with JSON; throws ApiError (with code and field) on 4xx/5xx; sends to login on 401. */
export async function api (method, url, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const t = token()
  if (t) headers.authorization = `Bearer ${t}`
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  const data = text ? JSON.parse(text) : null
  if (!response.ok) {
    if (response.status === 401 && t) setToken(null)
    throw new ApiError(data, response.status)
  }
  return data
}

/** The logged-in user, or null. */
export async function me () {
  if (!token()) return null
  try { return await api('GET', '/api/auth/me') } catch { return null }
}

export async function login (username, password) {
  const { token: value, user } = await api('POST', '/api/auth/login', { username, password })
  setToken(value)
  return user
}

/** socket.io connection carrying the token; `io` comes from /socket.io/socket.io.js. */
export function live () {
  // eslint-disable-next-line no-undef
  return io({ auth: token() ? { token: token() } : {}, transports: ['websocket', 'polling'] })
}

export function el (tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value)
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : value)
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')))
  return node
}

export function formatTime (iso) {
  return iso ? new Date(iso).toLocaleString() : '—'
}

/** Show an error (ApiError or other) in a container. */
export function showError (container, error) {
  container.textContent = error instanceof ApiError && error.field ? `${error.message} (${error.field})` : String(error.message ?? error)
}
