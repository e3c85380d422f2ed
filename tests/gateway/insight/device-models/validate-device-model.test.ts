import t from 'tap'
import { validateDeviceModel, validateFaultCodes, validateRules } from '../../../../gateway/insight/device-models/validate-device-model.js'

const noRul = { sensorsOf: () => null, names: () => [] }
const rul = { sensorsOf: (name: string) => name === 'pump-v1' ? ['temp', 'load'] : null, names: () => ['pump-v1'] }
const metrics = [
  { name: 'temp', unit: '°C', normal: { min: 0, max: 90 } },
  { name: 'load', unit: '%', normal: { min: 0, max: 100 } }
]
const hot = { kind: 'threshold', id: 'hot', metric: 'temp', above: 95, clearBelow: 90, forSeconds: 300 }

t.test('a valid model is normalised with its defaults', async (t) => {
  const result = validateDeviceModel('P-1', {
    name: 'Pump', metrics, rul: { artifact: 'pump-v1' },
    rules: [hot, { kind: 'anomaly', id: 'odd', metric: 'load' }, { kind: 'rul', id: 'soon', belowHours: 72, clearAboveHours: 96 }],
    faultCodes: [{ code: 'E1', title: 'Overheat', cause: 'c', remedy: 'r', severity: 'critical', parts: [{ partNumber: 'F-1', name: 'Fan' }] }]
  }, rul)
  t.same(result, {
    ok: true,
    value: {
      id: 'P-1', name: 'Pump', manufacturer: null, description: null,
      metrics: metrics.map((m) => ({ ...m, label: null })),
      rules: [
        { id: 'hot', severity: 'warning', description: null, requiredSkills: [], requiredParts: [], kind: 'threshold', metric: 'temp', above: 95, clearBelow: 90, forSeconds: 300 },
        { id: 'odd', severity: 'warning', description: null, requiredSkills: [], requiredParts: [], kind: 'anomaly', metric: 'load', direction: 'both', halfLifeHours: 24, varianceHalfLifeHours: 24, zRaise: 4, zClear: 2, forSeconds: 600, warmupReadings: 100 },
        { id: 'soon', severity: 'warning', description: null, requiredSkills: [], requiredParts: [], kind: 'rul', belowHours: 72, clearAboveHours: 96, forUpdates: 1 }
      ],
      faultCodes: [{ code: 'E1', title: 'Overheat', cause: 'c', remedy: 'r', severity: 'critical', parts: [{ partNumber: 'F-1', name: 'Fan', quantity: 1 }], skills: [] }],
      rul: { artifact: 'pump-v1' }
    }
  })
})

const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['duplicate rule id', { rules: [hot, hot, { ...hot, id: 'x', clearBelow: 99 }] }, 'body.rules[1].id', /duplicates rules\[0\]\.id/],
  ['clearBelow above the raise level', { rules: [hot, { ...hot, id: 'b' }, { ...hot, id: 'c', clearBelow: 99 }] }, 'body.rules[2].clearBelow', /must be at most above \(95\)/],
  ['clearAbove below the raise level', { rules: [{ kind: 'threshold', id: 'low', metric: 'temp', below: 5, clearAbove: 4 }] }, 'body.rules[0].clearAbove', /must be at least below \(5\)/],
  ['clear level of the other direction', { rules: [{ ...hot, clearBelow: undefined, clearAbove: 99 }] }, 'body.rules[0].clearAbove', /belongs to a below rule/],
  ['above and below in one rule', { rules: [{ ...hot, below: 3 }] }, 'body.rules[0].below', /cannot be combined/],
  ['no level', { rules: [{ kind: 'threshold', id: 'x', metric: 'temp' }] }, 'body.rules[0].above', /is required/],
  ['negative duration', { rules: [{ ...hot, forSeconds: -1 }] }, 'body.rules[0].forSeconds', /must be >= 0/],
  ['undeclared metric', { rules: [{ ...hot, metric: 'pressure' }] }, 'body.rules[0].metric', /not a metric of this model \(declared: temp, load\)/],
  ['wrong type', { rules: [{ ...hot, above: 'hot' }] }, 'body.rules[0].above', /must be number/],
  ['unknown field', { rules: [{ ...hot, colour: 'red' }] }, 'body.rules[0].colour', /not an accepted field/],
  ['unknown kind', { rules: [{ kind: 'magic', id: 'x' }] }, 'body.rules[0].kind', /must be one of/],
  ['anomaly without hysteresis', { rules: [{ kind: 'anomaly', id: 'a', metric: 'temp', zRaise: 3, zClear: 3 }] }, 'body.rules[0].zClear', /must be below zRaise/],
  ['rate without limits', { rules: [{ kind: 'rate_of_change', id: 'r', metric: 'temp', windowSeconds: 60 }] }, 'body.rules[0].risePerMinute', /is required/],
  ['zero silence', { rules: [{ kind: 'missing_data', id: 'm', afterMinutes: 0 }] }, 'body.rules[0].afterMinutes', /must be > 0/],
  ['rul rule without a model', { rules: [{ kind: 'rul', id: 'u', belowHours: 10, clearAboveHours: 20 }] }, 'body.rules[0].kind', /needs a remaining-useful-life model/],
  ['unknown artefact', { rul: { artifact: 'nope' } }, 'body.rul.artifact', /names no installed RUL model \(installed: pump-v1\)/],
  ['normal range upside down', { metrics: [{ name: 'temp', unit: 'C', normal: { min: 5, max: 1 } }] }, 'body.metrics[0].normal.max', /must be at least normal.min/],
  ['duplicate metric', { metrics: [metrics[0], metrics[0]] }, 'body.metrics[1].name', /duplicates metrics\[0\]/],
  ['fault code severity', { faultCodes: [{ code: 'E1', title: 't', cause: 'c', remedy: 'r', severity: 'bad' }] }, 'body.faultCodes[0].severity', /allowed values: info, warning, critical/],
  ['duplicate fault code', { faultCodes: [{ code: 'E1', title: 't', cause: 'c', remedy: 'r', severity: 'info' }, { code: 'e1', title: 't', cause: 'c', remedy: 'r', severity: 'info' }] }, 'body.faultCodes[1].code', /duplicates faultCodes\[0\]/],
  ['missing name', { name: undefined }, 'body.name', /is required/]
]

for (const [what, change, field, message] of invalid) {
  t.test(`refused: ${what} → ${field}`, async (t) => {
    const result = validateDeviceModel('P-1', { name: 'Pump', metrics, ...change }, rul)
    t.equal(result.ok, false)
    if (!result.ok) {
      t.equal(result.problem.field, field)
      t.match(result.problem.message, message)
    }
  })
}

t.test('rules and fault codes alone are checked against the stored model', async (t) => {
  t.same(validateRules({ rules: [hot] }, { metrics: metrics.map((m) => ({ ...m, label: null })), rul: null }).ok, true)
  t.same(validateRules({ rules: [{ kind: 'rul', id: 'u', belowHours: 10, clearAboveHours: 20 }] }, { metrics: [], rul: null }),
    { ok: false, problem: { field: 'body.rules[0].kind', message: 'needs a remaining-useful-life model: set the device model\'s rul.artifact first' } })
  t.same(validateRules({ rule: [] }, { metrics: [], rul: null }), { ok: false, problem: { field: 'body.rules', message: 'is required' } })
  t.same(validateFaultCodes([]), { ok: false, problem: { field: 'body', message: 'must be a JSON object' } })
  t.same(validateFaultCodes({ faultCodes: [{ code: 'E 1', title: 't', cause: 'c', remedy: 'r', severity: 'info' }] }).ok, false)
  t.same(validateDeviceModel('x', { name: 'n', metrics }, noRul).ok, true)
})
