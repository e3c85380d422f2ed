import t from 'tap'
import { CMAPSS_SENSORS, parseCmapss, parseCmapssRul } from '../../../../gateway/insight/rul/cmapss-reader.js'

// Three lines in the published layout (unit, cycle, 3 settings, 21 sensors, trailing space).
const FIXTURE = [
  '1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190  ',
  '1 2 0.0019 -0.0003 100.0 518.67 642.15 1591.82 1403.14 14.62 21.61 553.75 2388.04 9044.07 1.30 47.49 522.28 2388.07 8131.49 8.4318 0.03 392 2388 100.00 39.00 23.4236  ',
  '2 1 -0.0043 0.0003 100.0 518.67 642.35 1587.99 1404.20 14.62 21.61 554.26 2388.08 9052.94 1.30 47.27 522.42 2388.03 8133.23 8.4178 0.03 390 2388 100.00 38.95 23.3442  ',
  ''
].join('\n')

t.test('C-MAPSS rows become one series per engine, settings then sensors', async (t) => {
  const units = parseCmapss(FIXTURE)
  t.same(units.map((unit) => [unit.unitId, unit.rows.length]), [['1', 2], ['2', 1]])
  t.same(units[0]!.sensors, CMAPSS_SENSORS)
  t.equal(CMAPSS_SENSORS.length, 24)
  t.same(CMAPSS_SENSORS.slice(0, 4), ['op_setting_1', 'op_setting_2', 'op_setting_3', 'sensor_1'])
  t.same(units[0]!.rows[1]!.slice(0, 5), [0.0019, -0.0003, 100, 518.67, 642.15])
  t.equal(units[1]!.rows[0]!.at(-1), 23.3442)
})

t.test('malformed files are refused, naming the line', async (t) => {
  t.throws(() => parseCmapss('1 1 2 3\n'), { name: 'RangeError', message: /^line 1: expected 26 numbers/ })
  const lines = FIXTURE.split('\n')
  t.throws(() => parseCmapss([lines[0], lines[0]].join('\n')), { message: /^line 2: unit 1 cycle 1 follows cycle 1/ })
  t.throws(() => parseCmapss(lines[0]!.replace('641.82', 'x')), { message: /^line 1/ })
  t.same(parseCmapssRul('112\n98\n\n69\n'), [112, 98, 69])
  t.throws(() => parseCmapssRul('112\n-3\n'), { message: /^line 2: expected a non-negative whole number/ })
})
