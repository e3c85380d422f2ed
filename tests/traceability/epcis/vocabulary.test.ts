import t from 'tap'
import { MEASUREMENT_TYPES, resolveVocabulary } from '../../../traceability/epcis/vocabulary.js'

// The measurement types the EPCIS 2.0 JSON schema (sensorReport `type`) and JSON-LD context define as
// bare words, in that artefact's order: the list must be exactly these.
const EPCIS_2_MEASUREMENT_TYPES = [
  'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Activity', 'Altitude', 'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum', 'AngularVelocity', 'Area', 'Capacitance',
  'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless', 'DoseEquivalent', 'DoseEquivalentRate', 'DynamicViscosity',
  'ElectricCharge', 'ElectricCurrent', 'ElectricCurrentDensity', 'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency',
  'Illuminance', 'Inductance', 'Irradiance', 'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance', 'LuminousFlux',
  'LuminousIntensity', 'MagneticFlux', 'MagneticFluxDensity', 'MagneticVectorPotential', 'Mass', 'MassConcentration', 'MassFlowRate',
  'MassPerAreaTime', 'MemoryCapacity', 'MolalityOfSolute', 'MolarEnergy', 'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'RadiantFlux',
  'RadiantIntensity', 'RelativeHumidity', 'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume', 'Speed', 'SurfaceDensity',
  'SurfaceTension', 'Temperature', 'Time', 'Torque', 'Voltage', 'Volume', 'VolumeFlowRate', 'VolumeFraction', 'VolumetricFlux', 'Wavenumber'
]

t.test('the measurement types are those of EPCIS 2.0, each a bare word for its GS1 Web Vocabulary URI', async (t) => {
  t.same([...MEASUREMENT_TYPES], EPCIS_2_MEASUREMENT_TYPES)
  const resolved = EPCIS_2_MEASUREMENT_TYPES.map((word) => resolveVocabulary('measurementType', word))
  t.same(resolved, EPCIS_2_MEASUREMENT_TYPES.map((word) => ({ ok: true, uri: `https://gs1.org/voc/${word}`, standard: true })))
})

t.test('a measurement type written as a CURIE or as any of the GS1 Web Vocabulary\'s equivalent URIs is the same term', async (t) => {
  const forms = ['Temperature', 'gs1:Temperature', 'https://gs1.org/voc/Temperature', 'https://ref.gs1.org/voc/Temperature', 'https://www.gs1.org/voc/Temperature']
  t.same(forms.map((form) => resolveVocabulary('measurementType', form)), forms.map(() => ({ ok: true, uri: 'https://gs1.org/voc/Temperature', standard: true })))
})

t.test('an unknown bare measurement word is refused with the way out; a URI of one\'s own or a newer GS1 term is accepted', async (t) => {
  t.same(resolveVocabulary('measurementType', 'temperature'), {
    ok: false,
    problem: '"temperature" is not a measurementType of the EPCIS 2.0 context (GS1 Web Vocabulary gs1:MeasurementType); did you mean "Temperature"? (terms are case-sensitive)'
  })
  t.same(resolveVocabulary('measurementType', 'Vibration'), {
    ok: false,
    problem: '"Vibration" is not a measurementType of the EPCIS 2.0 context (GS1 Web Vocabulary gs1:MeasurementType); use a standard term (AbsoluteHumidity, AbsorbedDose, AbsorbedDoseRate, Acceleration, Activity, Altitude, …) or a URI of your own vocabulary'
  })
  t.same([
    resolveVocabulary('measurementType', 'example:Vibration', { example: 'https://ns.example.com/epcis/' }),
    resolveVocabulary('measurementType', 'https://ref.gs1.org/voc/Vibration')
  ], [
    { ok: true, uri: 'https://ns.example.com/epcis/Vibration', standard: false },
    { ok: true, uri: 'https://gs1.org/voc/Vibration', standard: false }
  ], 'the GS1 Web Vocabulary is a living code list: a term added after EPCIS 2.0 is written as its URI')
})
