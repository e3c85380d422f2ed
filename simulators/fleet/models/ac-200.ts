import type { SimModelSpec } from '../model-spec.js'

/** A 45 kW oil-injected rotary screw air compressor. */
export const AC_200: SimModelSpec = {
  id: 'AC-200',
  name: 'AC-200 rotary screw compressor',
  manufacturer: 'Afterline Demo Machines',
  description: '45 kW oil-injected rotary screw air compressor, 8 bar',
  rulArtifact: 'ac-200',
  conditionSensors: ['ambient_temp', 'load'],
  sensors: [
    { metric: 'ambient_temp', unit: '°C', label: 'Ambient temperature', normal: { min: -10, max: 40 }, base: 0, perLoad: 0, perAmbient: 1, noise: 0.2, lagMinutes: 0, decimals: 1 },
    { metric: 'load', unit: '%', label: 'Load', normal: { min: 0, max: 100 }, base: 0, perLoad: 1, perAmbient: 0, noise: 1, lagMinutes: 0, decimals: 1, floor: 0 },
    { metric: 'discharge_temp', unit: '°C', label: 'Discharge temperature', normal: { min: 55, max: 100 }, base: 58, perLoad: 0.2, perAmbient: 0.5, noise: 0.5, lagMinutes: 15, decimals: 1 },
    { metric: 'vibration', unit: 'mm/s', label: 'Vibration (RMS velocity)', normal: { min: 0.5, max: 4.5 }, base: 1.1, perLoad: 0.012, perAmbient: 0, noise: 0.1, lagMinutes: 0, decimals: 2, floor: 0 },
    { metric: 'motor_current', unit: 'A', label: 'Motor current', normal: { min: 15, max: 130 }, base: 18, perLoad: 1.05, perAmbient: 0, noise: 0.8, lagMinutes: 0, decimals: 1, floor: 0 },
    { metric: 'oil_pressure', unit: 'bar', label: 'Oil pressure', normal: { min: 2.6, max: 3.8 }, base: 3.4, perLoad: -0.004, perAmbient: -0.005, noise: 0.03, lagMinutes: 0, decimals: 2, floor: 0 }
  ],
  failureModes: [
    {
      id: 'bearing_wear',
      title: 'motor bearing wear',
      failureCode: 'F310',
      effects: [
        { metric: 'vibration', add: 5.8, power: 2.2, noiseGrowth: 1.5 },
        { metric: 'discharge_temp', add: 3, power: 2 },
        { metric: 'motor_current', scale: 0.04, power: 2 }
      ]
    },
    {
      id: 'cooler_fouling',
      title: 'oil cooler fouling',
      failureCode: 'F120',
      controllerWarning: { code: 'W120', metric: 'discharge_temp', above: 108, forMinutes: 5 },
      effects: [
        { metric: 'discharge_temp', add: 17, power: 1.6 },
        { metric: 'oil_pressure', add: -0.2, power: 1.5 },
        { metric: 'motor_current', scale: 0.03, power: 1.5 }
      ]
    },
    {
      id: 'airend_wear',
      title: 'air-end rotor wear',
      failureCode: 'F330',
      effects: [
        { metric: 'motor_current', scale: 0.14, power: 1.8 },
        { metric: 'discharge_temp', add: 6, power: 1.8 },
        { metric: 'oil_pressure', add: -0.45, power: 1.5 },
        { metric: 'vibration', add: 0.7, power: 1.5 }
      ]
    }
  ],
  transients: [
    { id: 'overload_surge', code: 'I401', minutes: [5, 25], load: 100 },
    { id: 'fan_stall', code: 'I131', minutes: [4, 20], offsets: [{ metric: 'discharge_temp', add: 14 }] },
    { id: 'sensor_glitch', code: null, minutes: [2, 4], offsets: [{ metric: 'vibration', add: 8 }] }
  ],
  rules: [
    { kind: 'threshold', id: 'vibration-high', metric: 'vibration', above: 7.1, clearBelow: 6, forSeconds: 600, severity: 'critical', description: 'ISO 10816 zone D: vibration causes damage', requiredSkills: ['mechanical'], requiredParts: ['AC-BRG-6310'] },
    { kind: 'threshold', id: 'discharge-temp-high', metric: 'discharge_temp', above: 105, clearBelow: 100, forSeconds: 600, severity: 'warning', requiredSkills: ['compressor'], requiredParts: ['AC-COOLER-KIT'] },
    { kind: 'threshold', id: 'oil-pressure-low', metric: 'oil_pressure', below: 2.5, clearAbove: 2.65, forSeconds: 300, severity: 'critical', requiredSkills: ['compressor'], requiredParts: ['AC-OIL-FILTER'] },
    { kind: 'rate_of_change', id: 'discharge-temp-surge', metric: 'discharge_temp', risePerMinute: 1.5, windowSeconds: 600, severity: 'warning', requiredSkills: ['compressor'] },
    { kind: 'missing_data', id: 'offline', metric: null, afterMinutes: 60, severity: 'warning', requiredSkills: ['telematics'] },
    { kind: 'anomaly', id: 'vibration-anomaly', metric: 'vibration', direction: 'up', halfLifeHours: 168, varianceHalfLifeHours: 720, zRaise: 6, zClear: 3, forSeconds: 7200, warmupReadings: 720, severity: 'warning', requiredSkills: ['mechanical'] },
    { kind: 'rul', id: 'rul-low', belowHours: 120, clearAboveHours: 168, forUpdates: 3, severity: 'warning', description: 'predicted failure within 5 days', requiredSkills: ['compressor'] }
  ],
  faultCodes: [
    { code: 'F120', title: 'Discharge temperature trip', cause: 'The air-end discharge temperature exceeded the shutdown limit, usually a fouled oil cooler or low oil level.', remedy: 'Clean or replace the oil cooler core, check the thermostatic valve and the oil level.', severity: 'critical', parts: [{ partNumber: 'AC-COOLER-KIT', name: 'Oil cooler core kit', quantity: 1 }, { partNumber: 'AC-OIL-20L', name: 'Compressor oil, 20 l', quantity: 1 }], skills: ['compressor'] },
    { code: 'W120', title: 'Discharge temperature high', cause: 'Discharge temperature above the warning limit for several minutes.', remedy: 'Check cooler fins, room ventilation and oil level before the trip limit is reached.', severity: 'warning', parts: [{ partNumber: 'AC-COOLER-KIT', name: 'Oil cooler core kit', quantity: 1 }], skills: ['compressor'] },
    { code: 'I131', title: 'Cooling fan restarted', cause: 'The cooling fan motor stalled and was restarted by the controller.', remedy: 'None if rare; if repeated, check the fan motor and its capacitor.', severity: 'info', parts: [], skills: ['electrical'] },
    { code: 'F310', title: 'Motor overload trip', cause: 'The main motor overload relay tripped, typically after bearing failure or a seized motor.', remedy: 'Inspect motor bearings and coupling; replace the bearing set and check alignment.', severity: 'critical', parts: [{ partNumber: 'AC-BRG-6310', name: 'Motor bearing 6310-2Z', quantity: 2 }, { partNumber: 'AC-COUPLING', name: 'Flexible coupling element', quantity: 1 }], skills: ['mechanical', 'electrical'] },
    { code: 'F330', title: 'Air-end seized', cause: 'The screw element cannot turn: rotor wear or bearing damage in the air-end.', remedy: 'Replace the air-end (exchange unit) and the oil, oil filter and separator.', severity: 'critical', parts: [{ partNumber: 'AC-AIREND-X', name: 'Air-end exchange unit', quantity: 1 }, { partNumber: 'AC-OIL-FILTER', name: 'Oil filter', quantity: 1 }, { partNumber: 'AC-SEPARATOR', name: 'Oil separator element', quantity: 1 }], skills: ['compressor'] },
    { code: 'I401', title: 'Overload protection engaged', cause: 'Air demand above the compressor\'s capacity for a while; the controller limited the load.', remedy: 'None if rare; if frequent, review the installation\'s air demand.', severity: 'info', parts: [], skills: [] },
    { code: 'E501', title: 'Pressure sensor fault', cause: 'The delivery pressure transducer signal is out of range (broken wire or failed sensor).', remedy: 'Check the connector and cable; replace the pressure transducer.', severity: 'warning', parts: [{ partNumber: 'AC-PT-16', name: 'Pressure transducer 0–16 bar', quantity: 1 }], skills: ['electrical'] },
    { code: 'E520', title: 'Oil filter clogged', cause: 'Pressure drop across the oil filter above the limit.', remedy: 'Replace the oil filter.', severity: 'warning', parts: [{ partNumber: 'AC-OIL-FILTER', name: 'Oil filter', quantity: 1 }], skills: ['compressor'] }
  ]
}
