// Helpers shared by the traceability pages: camera scanning, check lists, authenticated downloads.
import { el, token } from '/app.js'

/** True when the browser can decode QR codes from the camera (BarcodeDetector, Shape Detection API). */
export function canScan () {
  return 'BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia !== undefined
}

/**
 * Open the rear camera in `video` and resolve with the first QR code's text; `stop()` ends it early.
 * Frames are decoded a few times a second, not on every frame, to spare a phone's battery.
 */
export function scanWithCamera (video) {
  let stream = null
  let timer = null
  let stopped = false
  const stop = () => {
    stopped = true
    clearTimeout(timer)
    stream?.getTracks().forEach((track) => track.stop())
    video.hidden = true
  }
  const result = (async () => {
    // eslint-disable-next-line no-undef
    const detector = new BarcodeDetector({ formats: ['qr_code', 'data_matrix'] })
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })
    video.srcObject = stream
    video.hidden = false
    await video.play()
    return await new Promise((resolve, reject) => {
      const tick = async () => {
        if (stopped) return reject(new Error('scanning stopped'))
        try {
          const [found] = await detector.detect(video)
          if (found?.rawValue) { stop(); return resolve(found.rawValue) }
        } catch (error) { stop(); return reject(error) }
        timer = setTimeout(tick, 250)
      }
      tick()
    })
  })()
  return { result, stop }
}

const RESULT_CLASS = { ok: 'ok', warning: 'warn', rejected: 'bad' }

export function resultPill (result) {
  return el('span', { class: `pill ${RESULT_CLASS[result] ?? ''}`, 'data-result': result }, result)
}

/** The ordered checks of a scan: name, passed or not, and why. */
export function checkList (checks) {
  return el('ol', { class: 'checks' }, checks.map((check) =>
    el('li', { class: check.passed ? 'passed' : 'failed', 'data-check': check.name },
      el('span', { class: `pill ${check.passed ? 'ok' : 'bad'}` }, check.passed ? '✓' : '✗'), ' ',
      el('strong', {}, check.name.replaceAll('_', ' ')), ' — ', check.detail)))
}

/** Download a file from an authenticated route (a plain link cannot carry the bearer token). */
export async function download (url, filename) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token()}` } })
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).message ?? `HTTP ${response.status}`)
  const href = URL.createObjectURL(await response.blob())
  const link = el('a', { href, download: filename })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

/** Where the browser is, if the user allows it within a few seconds; otherwise null. */
export function currentPosition (timeoutMs = 4000) {
  if (!navigator.geolocation) return Promise.resolve(null)
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, lng: position.coords.longitude }),
      () => resolve(null),
      { timeout: timeoutMs, maximumAge: 60_000 })
  })
}
