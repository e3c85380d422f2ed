import t from 'tap'
import { createSerialGenerator, SERIAL_LENGTH } from '../../traceability/codes/serial.js'

/** A fixed "random" source: bytes 0, 1, 2, … so serials are reproducible. */
function countingSource () {
  let next = 0
  return (n: number) => Buffer.from(Array.from({ length: n }, () => next++ % 256))
}

const GTIN = '09506000134352'
const KEY = 'k'.repeat(32)

t.test('serials are 20 Crockford base32 characters: 80 random bits then a 20-bit key tag', async (t) => {
  const generator = createSerialGenerator(KEY, countingSource())
  const [first, second] = generator.generate(GTIN, 2) as [string, string]
  t.equal(first.length, SERIAL_LENGTH)
  t.match(first, /^[0-9A-HJKMNP-TV-Z]{20}$/)
  // Bytes 00 01 02 03 04 | 05 06 07 08 09, 20 bits per 4 characters: 0x00010|0x20304 → 000G 40R4, 0x05060|0x70809 → 0M30 E209.
  t.equal(first.slice(0, 16), '000G40R40M30E209')
  t.not(first, second)
  t.equal(createSerialGenerator(KEY, countingSource()).generate(GTIN, 1)[0], first, 'same key and randomness, same serial')
})

t.test('the tag verifies with the key, and fails for another key, another GTIN or any changed character', async (t) => {
  const generator = createSerialGenerator(KEY)
  const [serial] = generator.generate(GTIN, 1) as [string]
  t.ok(generator.hasValidTag(GTIN, serial))
  t.notOk(createSerialGenerator('another-key-another-key-another-k').hasValidTag(GTIN, serial))
  t.notOk(generator.hasValidTag('09506000134369', serial))
  const changed = serial.slice(0, 5) + (serial[5] === 'A' ? 'B' : 'A') + serial.slice(6)
  t.notOk(generator.hasValidTag(GTIN, changed))
  t.notOk(generator.hasValidTag(GTIN, serial.toLowerCase()), 'lower case is not our alphabet')
  t.notOk(generator.hasValidTag(GTIN, serial.slice(0, 19)), 'too short')
})

t.test('made-up serials pass the tag about once in 2^20 tries', async (t) => {
  const generator = createSerialGenerator(KEY)
  const made = createSerialGenerator('attacker-key-attacker-key-attack').generate(GTIN, 20000)
  const passing = made.filter((serial) => generator.hasValidTag(GTIN, serial)).length
  t.ok(passing <= 2, `${passing} of 20,000 forged serials passed the tag (expected ≈ 0.02)`)
})

t.test('a large batch has no duplicate serials', async (t) => {
  const serials = createSerialGenerator(KEY).generate(GTIN, 100_000)
  t.equal(new Set(serials).size, 100_000)
})

t.test('scan ids are UUIDv7, ordered by time and then by creation within a millisecond', async (t) => {
  const { createTimeOrderedId } = await import('../../traceability/scans/time-ordered-id.js')
  let ms = Date.parse('2026-11-22T00:00:00Z')
  const next = createTimeOrderedId(() => ms)
  const ids = [next(), next(), next()]
  ms += 1
  ids.push(next())
  ms -= 5
  ids.push(next())
  for (const id of ids) t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.same([...ids].sort(), ids, 'sorted as created, even when the clock steps back')
  t.equal(ids[0]?.replace(/-/g, '').slice(0, 12), Date.parse('2026-11-22T00:00:00Z').toString(16).padStart(12, '0'), 'the first 48 bits are the milliseconds')
})

t.test('scan ids drawn from one pool of random bytes stay distinct across its refills', async (t) => {
  const { createTimeOrderedId } = await import('../../traceability/scans/time-ordered-id.js')
  const next = createTimeOrderedId(() => Date.parse('2026-11-22T00:00:00Z'))
  // 256 ids use up one 4 KiB pool; 2,000 ids span several refills.
  const tails = Array.from({ length: 2000 }, () => next().replace(/-/g, '').slice(16))
  t.equal(new Set(tails).size, tails.length, 'no two ids share their random bits')
})
