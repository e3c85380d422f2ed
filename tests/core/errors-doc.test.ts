import fs from 'node:fs'
import t from 'tap'
import { listErrorCodes } from '../../core/errors.js'
// Importing the composition root registers every module's error codes.
import '../../web/platform.js'
import '../../web/errors.js'

t.test('docs/errors.md lists exactly the error codes defined in the source', async (t) => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const documented = new Map<string, number>()
  for (const match of doc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \|/gm)) documented.set(match[1] as string, Number(match[2]))
  const defined = new Map(listErrorCodes().map((entry) => [entry.code, entry.statusCode]))
  t.same([...defined.keys()].filter((code) => !documented.has(code)), [], 'every code is documented')
  t.same([...documented.keys()].filter((code) => !defined.has(code)), [], 'no documented code is stale')
  for (const [code, status] of defined) {
    if (documented.has(code)) t.equal(documented.get(code), status, `${code} has its documented status`)
  }
})
