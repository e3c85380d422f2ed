import t from 'tap'
import { openTestDatabase, queryStagedDurably as run } from '../helpers/database.js'

t.test('staged statements are prepared once and give the same results as plain queries', async (t) => {
  const { db, close } = await openTestDatabase('embedded', { migrate: false, template: true })
  t.teardown(close)
  await db.exec(`CREATE TABLE prepared_test (id integer PRIMARY KEY, big bigint, amount numeric, tags text[], at timestamptz, note text, doc jsonb)
`)
  const insert = `INSERT INTO prepared_test (id, big, amount, tags, at, note, doc)
                  SELECT i, b, a, t::text[], w, n, d
                  FROM unnest($1::int4[], $2::int8[], $3::numeric[], $4::text[], $5::timestamptz[], $6::text[], $7::jsonb[]) AS x(i, b, a, t, w, n, d)
                  RETURNING id`
  const at = new Date('2026-12-02T10:00:00.000Z')
  for (let round = 0; round < 3; round++) {
    const ids = [round * 2 + 1, round * 2 + 2]
    const result = await run<{ id: number }>(db, insert, [ids, [9_007_199_254_740_991, 1], [1.5, 2.25], ['{"a","b"}', '{"quote \\"q\\""}'], [at, at], ["it's", null], ['{"k":1}', '{"k":[2]}']])
    t.same(result.rows.map((r) => r.id), ids, `round ${round}: rows returned`)
    t.equal(result.rowCount, 2)
  }
  const sql = 'SELECT id, big, amount, tags, at, note, doc FROM prepared_test WHERE id = ANY($1::int4[]) ORDER BY id'
  const plain = await db.query(sql, [[1, 2]])
  const prepared = await run(db, sql, [[1, 2]])
  t.same(prepared.rows, plain.rows, 'rows parsed with the driver\'s parsers (bigint and numeric as numbers, arrays, dates, json)')
  t.same(prepared.rows[0], { id: 1, big: 9_007_199_254_740_991, amount: 1.5, tags: ['a', 'b'], at, note: "it's", doc: { k: 1 } })
  t.same(prepared.rows[1], { id: 2, big: 1, amount: 2.25, tags: ['quote "q"'], at, note: null, doc: { k: [2] } })

  const update = await run(db, 'UPDATE prepared_test SET note = $1 WHERE id > $2', ['later', 4])
  t.equal(update.rowCount, 2, 'rows changed are counted')
})

t.test('a failing prepared statement fails alone; the connection and the statement stay usable', async (t) => {
  const { db, close } = await openTestDatabase('embedded', { migrate: false, template: true })
  t.teardown(close)
  await db.exec('CREATE TABLE prepared_unique (id integer PRIMARY KEY)')
  const insert = 'INSERT INTO prepared_unique (id) VALUES ($1)'
  await run(db, insert, [1])
  await t.rejects(run(db, insert, [1]), { code: '23505' }, 'a unique violation keeps its SQLSTATE')
  await t.rejects(run(db, 'SELEC nonsense', []), { code: '42601' }, 'a statement that does not parse is refused')
  await run(db, insert, [2])
  t.same((await db.query<{ id: number }>('SELECT id FROM prepared_unique ORDER BY id')).rows, [{ id: 1 }, { id: 2 }])
  const staged = (db.queryStaged as NonNullable<typeof db.queryStaged>)(insert, [2])
  await t.rejects(staged.executed, { code: '23505' })
  await t.rejects(staged.durable, { code: '23505' })
})

t.test('a prepared statement whose table changed shape is prepared again', async (t) => {
  const { db, close } = await openTestDatabase('embedded', { migrate: false, template: true })
  t.teardown(close)
  await db.exec("CREATE TABLE prepared_shape (id integer); INSERT INTO prepared_shape VALUES (1)")
  const sql = 'SELECT * FROM prepared_shape WHERE id = $1'
  t.same((await run(db, sql, [1])).rows, [{ id: 1 }])
  await db.exec("ALTER TABLE prepared_shape ADD COLUMN name text DEFAULT 'x'")
  t.same((await run(db, sql, [1])).rows, [{ id: 1, name: 'x' }], 'the new column is there')
})
