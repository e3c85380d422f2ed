import t from 'tap'
import { createUserService } from '../../core/auth/users.service.js'
import { hashPassword, verifyPassword } from '../../core/auth/password.js'
import { AfterlineError } from '../../core/errors.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'

forEachDriver(t, 'users: bootstrap admin, login, lockout, roles', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver)
  t.teardown(close)
  let clock = Date.parse('2026-11-22T00:00:00Z')
  const users = await createUserService({ db, secret: null, tokenTtlSeconds: 3600, now: () => clock })

  const boot = await users.bootstrapAdmin(null)
  t.equal(boot.created, true)
  t.match(boot.generatedPassword, /^[A-Za-z0-9_-]{24}$/)
  t.same(await users.bootstrapAdmin(null), { created: false, generatedPassword: null }, 'never generated twice')
  const stored = await db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'admin'")
  t.match(stored.rows[0]!.password_hash, /^scrypt\$32768\$8\$1\$/, 'scrypt hash, not the password')

  const { token, user } = await users.login('admin', boot.generatedPassword as string)
  t.match(user, { username: 'admin', role: 'admin' })
  t.notOk('passwordHash' in user)
  t.match(await users.authenticate(token), { username: 'admin', role: 'admin' })

  const again = await createUserService({ db, secret: null, tokenTtlSeconds: 3600, now: () => clock })
  t.match(await again.authenticate(token), { username: 'admin' }, 'the generated signing key is kept: tokens survive a restart')

  const codeOf = async (promise: Promise<unknown>): Promise<string> => await promise.then(() => 'ok', (e: AfterlineError) => e.code)
  for (let i = 0; i < 5; i++) t.equal(await codeOf(users.login('admin', 'wrong')), 'CORE_AUTH_INVALID_CREDENTIALS')
  t.equal(await codeOf(users.login('admin', boot.generatedPassword as string)), 'CORE_AUTH_LOCKED', 'locked after 5 failures, even with the right password')
  clock += 31_000
  t.equal(await codeOf(users.login('admin', boot.generatedPassword as string)), 'ok', 'unlocked after 30 s')
  t.equal(await codeOf(users.login('nobody', 'x')), 'CORE_AUTH_INVALID_CREDENTIALS')

  t.equal(await codeOf(users.create({ username: 'shop', password: 'password-1', role: 'org_staff' })), 'CORE_USER_ORG_REQUIRED')
  const shop = await users.create({ username: 'shop', password: 'password-1', role: 'org_staff', orgId: 'dealer-7' })
  t.equal(await codeOf(users.create({ username: 'shop', password: 'password-2', role: 'agent' })), 'CORE_USER_EXISTS')
  const promoted = await users.update(shop.id, { role: 'supervisor', orgId: null })
  t.match(promoted, { role: 'supervisor', orgId: null })
  const login = await users.login('shop', 'password-1')
  t.match(await users.authenticate(login.token), { role: 'supervisor' })
  await users.update(shop.id, { disabled: true })
  t.equal(await users.authenticate(login.token), null, 'a disabled user\'s token stops working at once')
  clock += 3601_000
  t.equal(await users.authenticate(token), null, 'tokens expire')
})

void t.test('a password hash carries its cost: a lower one verifies, a malformed one is refused', async (t) => {
  const cheap = await hashPassword('password-1', 2 ** 10)
  t.match(cheap, /^scrypt\$1024\$8\$1\$/)
  t.equal(await verifyPassword('password-1', cheap), true)
  t.equal(await verifyPassword('password-2', cheap), false)
  t.equal(await verifyPassword('password-1', await hashPassword('password-1')), true, 'the default cost')
  await t.rejects(hashPassword('x', 1000), RangeError, 'not a power of two')
  await t.rejects(hashPassword('x', 2 ** 9), RangeError, 'below 2^10')
})
