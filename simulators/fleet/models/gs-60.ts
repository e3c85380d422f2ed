import type { SimModelSpec } from '../model-spec.js'

/** A 60 kVA diesel generating set for prime power on remote sites. */
export const GS_60: SimModelSpec = {
  id: 'GS-60',
  name: 'GS-60 diesel generator set',
  manufacturer: 'Afterline Demo Machines',
  description: '60 kVA prime-power diesel generator set, 400 V',
  rulArtifact: 'gs-60',
  conditionSensors: ['ambient_temp', 'load'],
  sensors: [
    { metric: 'ambient_temp', unit: '°C', label: 'Ambient temperature', normal: { min: -15, max: 45 }, base: 0, perLoad: 0, perAmbient: 1, noise: 0.2, lagMinutes: 0, decimals: 1 },
    { metric: 'load', unit: '%', label: 'Load (of rated kW)', normal: { min: 0, max: 100 }, base: 0, perLoad: 1, perAmbient: 0, noise: 1, lagMinutes: 0, decimals: 1, floor: 0 },
    { metric: 'coolant_temp', unit: '°C', label: 'Coolant temperature', normal: { min: 70, max: 95 }, base: 78, perLoad: 0.08, perAmbient: 0.12, noise: 0.4, lagMinutes: 20, decimals: 1 },
    { metric: 'oil_pressure', unit: 'bar', label: 'Oil pressure', normal: { min: 3.2, max: 5 }, base: 4.6, perLoad: -0.008, perAmbient: -0.006, noise: 0.05, lagMinutes: 0, decimals: 2, floor: 0 },
    { metric: 'exhaust_temp', unit: '°C', label: 'Exhaust temperature', normal: { min: 150, max: 520 }, base: 180, perLoad: 3.2, perAmbient: 0.6, noise: 4, lagMinutes: 5, decimals: 0 },
    { metric: 'vibration', unit: 'mm/s', label: 'Vibration (RMS velocity)', normal: { min: 1, max: 5.5 }, base: 2.2, perLoad: 0.01, perAmbient: 0, noise: 0.15, lagMinutes: 0, decimals: 2, floor: 0 }
  ],
  failureModes: [
    {
      id: 'water_pump',
      title: 'coolant pump failure',
      failureCode: 'F210',
      controllerWarning: { code: 'W205', metric: 'coolant_temp', above: 100, forMinutes: 5 },
      effects: [{ metric: 'coolant_temp', add: 16, power: 1.7, noiseGrowth: 1 }]
    },
    {
      id: 'injector_wear',
      title: 'fuel injector wear',
      failureCode: 'F340',
      effects: [
        { metric: 'exhaust_temp', add: 85, power: 1.6, noiseGrowth: 0.5 },
        { metric: 'vibration', add: 0.9, power: 1.5 },
        { metric: 'oil_pressure', add: -0.2, power: 1.5 }
      ]
    },
    {
      id: 'main_bearing',
      title: 'main bearing wear',
      failureCode: 'F410',
      effects: [
        { metric: 'vibration', add: 6, power: 2.2, noiseGrowth: 1.5 },
        { metric: 'oil_pressure', add: -0.9, power: 2 }
      ]
    }
  ],
  transients: [
    { id: 'load_step', code: 'I402', minutes: [5, 30], load: 100 },
    { id: 'fan_belt_slip', code: 'I215', minutes: [4, 15], offsets: [{ metric: 'coolant_temp', add: 6 }] },
    { id: 'sensor_glitch', code: null, minutes: [2, 4], offsets: [{ metric: 'exhaust_temp', add: 250 }] }
  ],
  rules: [
    { kind: 'threshold', id: 'vibration-high', metric: 'vibration', above: 9, clearBelow: 7.5, forSeconds: 600, severity: 'critical', requiredSkills: ['mechanical', 'diesel'], requiredParts: ['GS-BRG-MAIN'] },
    { kind: 'threshold', id: 'coolant-temp-high', metric: 'coolant_temp', above: 102, clearBelow: 97, forSeconds: 300, severity: 'critical', requiredSkills: ['diesel'], requiredParts: ['GS-WPUMP'] },
    { kind: 'threshold', id: 'oil-pressure-low', metric: 'oil_pressure', below: 2.8, clearAbove: 3, forSeconds: 300, severity: 'critical', requiredSkills: ['diesel'], requiredParts: ['GS-OIL-FILTER'] },
    { kind: 'threshold', id: 'exhaust-temp-high', metric: 'exhaust_temp', above: 560, clearBelow: 530, forSeconds: 600, severity: 'warning', requiredSkills: ['diesel'], requiredParts: ['GS-INJECTOR'] },
    { kind: 'missing_data', id: 'offline', metric: null, afterMinutes: 60, severity: 'warning', requiredSkills: ['telematics'] },
    { kind: 'anomaly', id: 'vibration-anomaly', metric: 'vibration', direction: 'up', halfLifeHours: 168, varianceHalfLifeHours: 720, zRaise: 6, zClear: 3, forSeconds: 7200, warmupReadings: 720, severity: 'warning', requiredSkills: ['mechanical'] },
    { kind: 'rul', id: 'rul-low', belowHours: 120, clearAboveHours: 168, forUpdates: 3, severity: 'warning', description: 'predicted failure within 5 days', requiredSkills: ['diesel'] }
  ],
  faultCodes: [
    { code: 'F210', title: 'High coolant temperature shutdown', cause: 'Coolant above the shutdown limit: failed water pump, slipping fan belt or blocked radiator.', remedy: 'Check the coolant level, fan belt and water pump; replace the pump if its bearing or seal failed.', severity: 'critical', parts: [{ partNumber: 'GS-WPUMP', name: 'Coolant pump assembly', quantity: 1 }, { partNumber: 'GS-COOLANT-10L', name: 'Coolant, 10 l', quantity: 1 }], skills: ['diesel'] },
    { code: 'W205', title: 'Coolant temperature high', cause: 'Coolant above the warning limit for several minutes.', remedy: 'Reduce load; check coolant level, belt tension and the radiator before the shutdown limit.', severity: 'warning', parts: [{ partNumber: 'GS-WPUMP', name: 'Coolant pump assembly', quantity: 1 }], skills: ['diesel'] },
    { code: 'I215', title: 'Fan belt slip detected', cause: 'Short loss of fan speed, usually a wet or loose belt.', remedy: 'None if rare; check belt tension at the next service.', severity: 'info', parts: [], skills: [] },
    { code: 'F340', title: 'Engine misfire shutdown', cause: 'Combustion faults on one or more cylinders, typically worn or clogged injectors.', remedy: 'Test and replace the injectors; check the fuel filter.', severity: 'critical', parts: [{ partNumber: 'GS-INJECTOR', name: 'Fuel injector', quantity: 4 }, { partNumber: 'GS-FUEL-FILTER', name: 'Fuel filter', quantity: 1 }], skills: ['diesel'] },
    { code: 'F410', title: 'Low oil pressure shutdown', cause: 'Oil pressure below the shutdown limit: main bearing wear, oil pump or low oil level.', remedy: 'Check the oil level and pump; inspect and replace the main bearings.', severity: 'critical', parts: [{ partNumber: 'GS-BRG-MAIN', name: 'Main bearing shell set', quantity: 1 }, { partNumber: 'GS-OIL-FILTER', name: 'Oil filter', quantity: 1 }], skills: ['diesel', 'mechanical'] },
    { code: 'I402', title: 'Load step accepted', cause: 'A large load was switched on; the governor recovered.', remedy: 'None.', severity: 'info', parts: [], skills: [] },
    { code: 'E610', title: 'Battery charger fault', cause: 'The starter battery charger output is out of range.', remedy: 'Check charger fuse and wiring; replace the charger module.', severity: 'warning', parts: [{ partNumber: 'GS-CHARGER', name: 'Battery charger module', quantity: 1 }], skills: ['electrical'] }
  ]
}
