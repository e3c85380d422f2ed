import type { RaiseRequest, DetectionSink } from '../../../gateway/insight/detection/pipeline.js'
import { createDetectionPipeline } from '../../../gateway/insight/detection/pipeline.js'
import { compileModel } from '../../../gateway/insight/detection/compile-model.js'
import type { RulModel } from '../../../gateway/insight/detection/rul-port.js'
import type { DeviceModelDefinition } from '../../../gateway/insight/device-models/device-model.js'
import { validateDeviceModel } from '../../../gateway/insight/device-models/validate-device-model.js'
import type { Reading } from '../../../gateway/events.js'

export const DEVICE = '11111111-1111-4111-8111-111111111111'
export const T0 = Date.parse('2026-05-04T08:00:00Z')
export const MINUTE = 60_000

export type Transition =
  | { type: 'raise', cause: string, kind: string, at: string, evidence: Record<string, unknown> }
  | { type: 'clear', cause: string, at: string, reason: string }

/** A sink that records transitions with readable times. */
export function createRecordingSink (): DetectionSink & { transitions: Transition[], requests: RaiseRequest[] } {
  const transitions: Transition[] = []
  const requests: RaiseRequest[] = []
  return {
    transitions,
    requests,
    raise (request) {
      requests.push(request)
      transitions.push({ type: 'raise', cause: request.cause, kind: request.kind, at: new Date(request.at).toISOString(), evidence: request.evidence })
    },
    clear (_deviceId, cause, at, reason) {
      transitions.push({ type: 'clear', cause, at: new Date(at).toISOString(), reason })
    }
  }
}

/** Validate like the API, then compile. */
export function definitionFrom (body: Record<string, unknown>, rul: RulModel | null = null): DeviceModelDefinition {
  const result = validateDeviceModel('TEST-1', body, {
    sensorsOf: (name) => rul !== null && rul.name === name ? rul.sensors : null,
    names: () => rul === null ? [] : [rul.name]
  })
  if (!result.ok) throw new Error(`${result.problem.field} ${result.problem.message}`)
  return result.value
}

/** A pipeline for one device of a model built from `body`, with a controllable clock. */
export function createTestPipeline (body: Record<string, unknown>, rul: RulModel | null = null) {
  const sink = createRecordingSink()
  const clock = { now: T0 }
  const pipeline = createDetectionPipeline({
    now: () => clock.now,
    directory: { modelOf: (id) => id === DEVICE ? 'TEST-1' : null, locationOf: () => ({ lat: 48.1, lng: 11.6 }) },
    sink
  })
  pipeline.setModel(compileModel(definitionFrom(body, rul), 1, rul))
  /** One message with `values` at `minutes` after T0 (clock set to it). */
  const send = (minutes: number, values: Record<string, number>): void => {
    clock.now = T0 + minutes * MINUTE
    const readings: Reading[] = Object.entries(values).map(([metric, value]) => ({ metric, ts: clock.now * 1000, value }))
    pipeline.onReadings(DEVICE, readings)
  }
  return { pipeline, sink, clock, send }
}

export const iso = (minutes: number): string => new Date(T0 + minutes * MINUTE).toISOString()
