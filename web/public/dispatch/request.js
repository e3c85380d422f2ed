import { api, showError } from '/app.js'

// A customer's service request, without logging in: POST /api/service-requests, then the tracking page.
const form = document.getElementById('request-form')
const error = document.getElementById('error')
const where = document.getElementById('where')
let position = null

// A QR code on the machine can link here with its asset code: /dispatch/request.html?asset=…
const asset = new URLSearchParams(location.search).get('asset')
if (asset) form.assetCode.value = asset

function currentPosition (timeoutMs = 8000) {
  if (!navigator.geolocation) return Promise.resolve(null)
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (fix) => resolve({ lat: fix.coords.latitude, lng: fix.coords.longitude }),
      () => resolve(null),
      { timeout: timeoutMs, maximumAge: 60_000 })
  })
}

async function locate () {
  position = await currentPosition()
  where.textContent = position
    ? `Location: ${position.lat.toFixed(5)}, ${position.lng.toFixed(5)}`
    : 'Location: not available — allow location access, or give the asset code.'
}

document.getElementById('locate').addEventListener('click', locate)
form.addEventListener('submit', async (event) => {
  event.preventDefault()
  error.textContent = ''
  const value = (name) => form[name].value.trim()
  const body = {
    customer: { name: value('name'), phone: value('phone'), ...(value('email') ? { email: value('email') } : {}) },
    problem: value('problem'),
    priority: form.priority.value,
    ...(value('assetCode') ? { assetCode: value('assetCode') } : {}),
    ...(position ? { location: position } : {})
  }
  const button = form.querySelector('button[type=submit]')
  button.disabled = true
  try {
    const receipt = await api('POST', '/api/service-requests', body)
    window.location.assign(receipt.trackingUrl)
  } catch (e) {
    showError(error, e)
    button.disabled = false
  }
})
