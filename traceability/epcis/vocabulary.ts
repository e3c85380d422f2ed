import { uriLengthProblem } from './identifiers.js'
/**
 * CBV 2.0 standard vocabularies (Core Business Vocabulary §7) and the GS1 Web Vocabulary terms EPCIS
 * 2.0 uses for sensor data. In JSON-LD a standard value is written as a bare word (`shipping`); it may
 * also be written as its Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`), its CBV 1.x URN
 * (`urn:epcglobal:cbv:bizstep:shipping`) or a CURIE (`cbv:BizStep-shipping`). A partner may use its own
 * vocabulary as any other absolute URI. Pure, no I/O.
 */

export const CBV_BASE = 'https://ref.gs1.org/cbv/'
export const GS1_VOC_BASE = 'https://gs1.org/voc/'

export const BIZ_STEPS = [
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning', 'creating_class_instance',
  'cycle_counting', 'decommissioning', 'departing', 'destroying', 'disassembling', 'dispensing', 'encoding',
  'entering_exiting', 'holding', 'inspecting', 'installing', 'killing', 'loading', 'other', 'packing', 'picking',
  'receiving', 'removing', 'repackaging', 'repairing', 'replacing', 'reserving', 'retail_selling', 'sampling',
  'sensor_reporting', 'shipping', 'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting',
  'unloading', 'unpacking', 'void_shipping'
] as const

export const DISPOSITIONS = [
  'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant', 'container_closed',
  'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded', 'expired', 'in_progress',
  'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance', 'mismatch_quantity', 'needs_replacement',
  'no_pedigree_match', 'non_conformant', 'non_sellable_other', 'partially_dispensed', 'recalled', 'reserved',
  'retail_sold', 'returned', 'sellable_accessible', 'sellable_not_accessible', 'stolen', 'unavailable', 'unknown'
] as const

export const BIZ_TRANSACTION_TYPES = ['bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma', 'testprd', 'testres', 'upevt'] as const
export const SOURCE_DESTINATION_TYPES = ['location', 'owning_party', 'possessing_party'] as const
export const ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const
export const SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'] as const
export const COMPONENTS = [
  'x', 'y', 'z', 'axial_distance', 'azimuth', 'height', 'spherical_radius', 'polar_angle', 'elevation_angle',
  'easting', 'northing', 'latitude', 'longitude', 'altitude', 'geocoordinate'
] as const
export const MEASUREMENT_TYPES = [
  'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Activity', 'Altitude', 'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum', 'AngularVelocity', 'Area',
  'Capacitance', 'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless', 'DoseEquivalent',
  'DoseEquivalentRate', 'DynamicViscosity', 'ElectricCharge', 'ElectricCurrent', 'ElectricCurrentDensity',
  'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency', 'Illuminance', 'Inductance', 'Irradiance',
  'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance', 'LuminousFlux', 'LuminousIntensity', 'MagneticFlux',
  'MagneticFluxDensity', 'MagneticVectorPotential', 'Mass', 'MassConcentration', 'MassFlowRate', 'MassPerAreaTime',
  'MemoryCapacity', 'MolalityOfSolute', 'MolarEnergy', 'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'RadiantFlux',
  'RadiantIntensity', 'RelativeHumidity', 'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume', 'Speed',
  'SurfaceDensity', 'SurfaceTension', 'Temperature', 'Time', 'Torque', 'Voltage', 'Volume', 'VolumeFlowRate',
  'VolumeFraction', 'VolumetricFlux', 'Wavenumber'
] as const

export type VocabularyKind = 'bizStep' | 'disposition' | 'bizTransactionType' | 'sourceDestType' | 'errorReason' | 'measurementType' | 'sensorAlertType' | 'component'

interface Vocabulary {
  words: ReadonlySet<string>
  /** Web URI of a word. */
  base: string
  /** CBV 1.x URN prefix, where one exists. */
  urn?: string
  /** How messages name the vocabulary. */
  name: string
}

const vocabularies: Record<VocabularyKind, Vocabulary> = {
  bizStep: { words: new Set(BIZ_STEPS), base: `${CBV_BASE}BizStep-`, urn: 'urn:epcglobal:cbv:bizstep:', name: 'CBV 2.0 bizStep value' },
  disposition: { words: new Set(DISPOSITIONS), base: `${CBV_BASE}Disp-`, urn: 'urn:epcglobal:cbv:disp:', name: 'CBV 2.0 disposition value' },
  bizTransactionType: { words: new Set(BIZ_TRANSACTION_TYPES), base: `${CBV_BASE}BTT-`, urn: 'urn:epcglobal:cbv:btt:', name: 'CBV 2.0 bizTransactionType value' },
  sourceDestType: { words: new Set(SOURCE_DESTINATION_TYPES), base: `${CBV_BASE}SDT-`, urn: 'urn:epcglobal:cbv:sdt:', name: 'CBV 2.0 sourceDestType value' },
  errorReason: { words: new Set(ERROR_REASONS), base: `${CBV_BASE}ER-`, urn: 'urn:epcglobal:cbv:er:', name: 'CBV 2.0 errorReason value' },
  component: { words: new Set(COMPONENTS), base: `${CBV_BASE}Comp-`, name: 'CBV 2.0 component value' },
  measurementType: { words: new Set(MEASUREMENT_TYPES), base: GS1_VOC_BASE, name: 'measurementType of the EPCIS 2.0 context (GS1 Web Vocabulary gs1:MeasurementType)' },
  sensorAlertType: { words: new Set(SENSOR_ALERT_TYPES), base: GS1_VOC_BASE, name: 'sensorAlertType of the EPCIS 2.0 context (GS1 Web Vocabulary gs1:SensorAlertType)' }
}

/**
 * The GS1 Web Vocabulary is published at https://ref.gs1.org/voc/ and declares https://gs1.org/voc/ and
 * https://www.gs1.org/voc/ equivalent; EPCIS 2.0's context and CBV 2.0's event hash use https://gs1.org/voc/.
 */
const GS1_VOC_EQUIVALENTS = ['https://ref.gs1.org/voc/', 'https://www.gs1.org/voc/', 'http://gs1.org/voc/', 'http://www.gs1.org/voc/']

/** Prefixes every EPCIS 2.0 document may use without declaring them (the standard context declares them). */
export const STANDARD_PREFIXES: Readonly<Record<string, string>> = {
  cbv: CBV_BASE,
  gs1: GS1_VOC_BASE,
  epcis: 'https://ref.gs1.org/epcis/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
  sdo: 'https://schema.org/'
}

export type VocabularyResult = { ok: true, uri: string, standard: boolean } | { ok: false, problem: string }

/**
 * The full URI of a vocabulary value, checking that a value claiming the standard vocabulary is one of
 * its terms. `prefixes` are the CURIE prefixes declared in the document's `@context`.
 */
export function resolveVocabulary (kind: VocabularyKind, value: unknown, prefixes: Readonly<Record<string, string>> = {}): VocabularyResult {
  const vocabulary = vocabularies[kind]
  if (typeof value !== 'string' || value === '') return { ok: false, problem: 'must be a non-empty string' }
  if (!value.includes(':')) {
    if (vocabulary.words.has(value)) return { ok: true, uri: vocabulary.base + value, standard: true }
    // A bare word is a term of the EPCIS 2.0 JSON-LD context or nothing: JSON-LD cannot expand any
    // other word to an IRI, and the EPCIS 2.0 JSON schema allows the context's terms or a URI only.
    return { ok: false, problem: `"${value}" is not a ${vocabulary.name}; ${suggestion(vocabulary, value)}` }
  }
  let uri = expandCurie(value, prefixes)
  const equivalent = GS1_VOC_EQUIVALENTS.find((base) => uri.startsWith(base))
  if (equivalent !== undefined) uri = GS1_VOC_BASE + uri.slice(equivalent.length)
  if (vocabulary.urn !== undefined && uri.startsWith(vocabulary.urn)) uri = vocabulary.base + uri.slice(vocabulary.urn.length)
  if (uri.startsWith(vocabulary.base)) {
    const word = uri.slice(vocabulary.base.length)
    if (vocabulary.words.has(word)) return { ok: true, uri, standard: true }
    if (vocabulary.base !== GS1_VOC_BASE) return { ok: false, problem: `"${value}" is in the CBV namespace but is not a CBV 2.0 ${kind} value` }
  }
  if (vocabulary.urn !== undefined && value.startsWith('urn:epcglobal:cbv:')) {
    return { ok: false, problem: `"${value}" is not a CBV ${kind} URN` }
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(uri)) return { ok: false, problem: `"${value}" is neither a CBV 2.0 term nor an absolute URI` }
  const tooLong = uriLengthProblem(uri)
  if (tooLong !== null) return { ok: false, problem: `the URI ${tooLong}` }
  return { ok: true, uri, standard: false }
}

/** `ex:foo` → `http://example.com/ns/foo` when `ex` is declared (or is a standard prefix); else unchanged. */
export function expandCurie (value: string, prefixes: Readonly<Record<string, string>> = {}): string {
  const colon = value.indexOf(':')
  if (colon <= 0 || value.startsWith('//', colon + 1)) return value
  const prefix = value.slice(0, colon)
  const base = prefixes[prefix] ?? STANDARD_PREFIXES[prefix]
  return base === undefined ? value : base + value.slice(colon + 1)
}

/** "did you mean" for a term in the wrong case, else the standard terms and the way out. */
function suggestion (vocabulary: Vocabulary, value: string): string {
  const lower = value.toLowerCase()
  const near = [...vocabulary.words].find((word) => word.toLowerCase() === lower)
  if (near !== undefined) return `did you mean "${near}"? (terms are case-sensitive)`
  return `use a standard term (${sample(vocabulary)}) or a URI of your own vocabulary`
}

function sample (vocabulary: Vocabulary): string {
  const words = [...vocabulary.words]
  return words.length > 6 ? `${words.slice(0, 6).join(', ')}, …` : words.join(', ')
}
