import t from 'tap'
import { isUniqueViolation } from '../../core/db/database.js'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'

t.test('concurrent transactions and queries on the embedded driver never run inside one another', async (t) => {
  const db = await openEmbeddedDatabase({ dataDir: null })
  t.teardown(() => db.close())
  await db.exec('CREATE TABLE gate_test (id integer PRIMARY KEY, by text NOT NULL)')
  await db.exec('CREATE TABLE gate_log (n integer NOT NULL)')
  // Many transactions racing for the same key: one inserts, the others hit the unique index and roll
  // back; plain queries run meanwhile. None may land inside another's (aborted) transaction.
  const outcomes = await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    if (i % 4 === 3) {
      await db.query('INSERT INTO gate_log (n) VALUES ($1)', [i])
      return 'query'
    }
    try {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO gate_log (n) VALUES ($1)', [i])
        await tx.query('INSERT INTO gate_test (id, by) VALUES (1, $1)', [`tx${i}`])
      })
      return 'committed'
    } catch (error) {
      return isUniqueViolation(error) ? 'duplicate' : `failed: ${(error as Error).message}`
    }
  }))
  t.same(outcomes.filter((o) => o.startsWith('failed')), [], 'no transaction failed for another reason')
  t.equal(outcomes.filter((o) => o === 'committed').length, 1)
  const logged = await db.query<{ n: number }>('SELECT count(*) AS n FROM gate_log')
  t.equal(logged.rows[0]?.n, 10 + 1, 'every plain insert and only the committed transaction\'s insert remain')
})
