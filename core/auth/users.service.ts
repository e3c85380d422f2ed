import { randomBytes, randomUUID } from 'node:crypto'
import type { Database } from '../db/database.js'
import { isUniqueViolation } from '../db/database.js'
import {
  CORE_AUTH_INVALID_CREDENTIALS, CORE_AUTH_LOCKED, CORE_USER_EXISTS, CORE_USER_NOT_FOUND, CORE_USER_ORG_REQUIRED
} from '../errors.js'
import { generatePassword, hashPassword, PASSWORD_COST, unmatchableHash, verifyPassword } from './password.js'
import type { Principal, Role } from './roles.js'
import { createTokenSigner } from './token.js'
import type { TokenSigner } from './token.js'
import { createUserRepository } from './users.repository.js'
import type { User, UserWithHash } from './users.repository.js'

export type { User } from './users.repository.js'

export interface NewUser {
  username: string
  password: string
  role: Role
  orgId?: string | null
  displayName?: string
}

export interface UserUpdate {
  role?: Role
  orgId?: string | null
  displayName?: string
  disabled?: boolean
  password?: string
}

export interface UserServiceOptions {
  db: Database
  /** Signing key from AUTH_SECRET; null = generated once and kept in the settings table. */
  secret: string | null
  tokenTtlSeconds: number
  now?: () => number
  /** scrypt's N for new password hashes (password.ts); the default unless a test platform lowers it. */
  passwordCost?: number
}

const PRINCIPAL_CACHE_MS = 10_000
const FAILURES_BEFORE_LOCK = 5
const MAX_LOCK_MS = 15 * 60_000

export async function createUserService (options: UserServiceOptions) {
  const now = options.now ?? Date.now
  const passwordCost = options.passwordCost ?? PASSWORD_COST
  // Verified against when the username is unknown, so both failures take the same time.
  const dummyHash = unmatchableHash(passwordCost)
  const repo = createUserRepository(options.db)
  const secret = options.secret ?? await repo.initSetting('auth.secret', randomBytes(32).toString('base64url'))
  const tokens: TokenSigner = createTokenSigner(secret, options.tokenTtlSeconds, now)
  const principals = new Map<string, { principal: Principal | null, loadedAt: number }>()
  const failures = new Map<string, { count: number, lockedUntil: number }>()

  const publicUser = ({ passwordHash: _hash, ...user }: UserWithHash): User => user
  const toPrincipal = (user: UserWithHash): Principal | null =>
    user.disabled ? null : { userId: user.id, username: user.username, role: user.role, orgId: user.orgId }

  const checkOrg = (role: Role, orgId: string | null): void => {
    if (role === 'org_staff' && orgId === null) throw new CORE_USER_ORG_REQUIRED().withDetails({ field: 'body.orgId' })
  }

  const service = {
    tokens,

    async login (username: string, password: string): Promise<{ token: string, user: User }> {
      const failure = failures.get(username)
      if (failure !== undefined && failure.lockedUntil > now()) {
        throw new CORE_AUTH_LOCKED(Math.ceil((failure.lockedUntil - now()) / 1000))
      }
      const user = await repo.findByUsername(username)
      const ok = await verifyPassword(password, user?.passwordHash ?? dummyHash)
      if (user === null || !ok || user.disabled) {
        const count = (failure?.count ?? 0) + 1
        const lockMs = count >= FAILURES_BEFORE_LOCK ? Math.min(MAX_LOCK_MS, 30_000 * 2 ** (count - FAILURES_BEFORE_LOCK)) : 0
        failures.set(username, { count, lockedUntil: now() + lockMs })
        throw new CORE_AUTH_INVALID_CREDENTIALS()
      }
      failures.delete(username)
      return { token: tokens.sign(user.id, user.role), user: publicUser(user) }
    },

    /** The caller behind a bearer token, or null (bad signature, expired, user disabled or gone). */
    async authenticate (token: string): Promise<Principal | null> {
      const claims = tokens.verify(token)
      if (claims === null) return null
      const cached = principals.get(claims.sub)
      if (cached !== undefined && now() - cached.loadedAt < PRINCIPAL_CACHE_MS) return cached.principal
      const user = await repo.findById(claims.sub)
      const principal = user === null ? null : toPrincipal(user)
      principals.set(claims.sub, { principal, loadedAt: now() })
      return principal
    },

    async create (input: NewUser): Promise<User> {
      const orgId = input.orgId ?? null
      checkOrg(input.role, orgId)
      try {
        const user = await repo.insert({
          id: randomUUID(),
          username: input.username,
          passwordHash: await hashPassword(input.password, passwordCost),
          role: input.role,
          orgId,
          displayName: input.displayName ?? input.username
        })
        return publicUser(user)
      } catch (error) {
        if (isUniqueViolation(error)) throw new CORE_USER_EXISTS(input.username).withDetails({ field: 'body.username' })
        throw error
      }
    },

    async list (filter: { role?: Role | undefined } = {}): Promise<User[]> {
      return (await repo.list(filter)).map(publicUser)
    },

    async get (id: string): Promise<User> {
      const user = await repo.findById(id)
      if (user === null) throw new CORE_USER_NOT_FOUND(id)
      return publicUser(user)
    },

    async update (id: string, changes: UserUpdate): Promise<User> {
      const current = await repo.findById(id)
      if (current === null) throw new CORE_USER_NOT_FOUND(id)
      checkOrg(changes.role ?? current.role, changes.orgId !== undefined ? changes.orgId : current.orgId)
      const updated = await repo.update(id, {
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.orgId === undefined ? {} : { orgId: changes.orgId }),
        ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
        ...(changes.password === undefined ? {} : { passwordHash: await hashPassword(changes.password, passwordCost) })
      })
      principals.delete(id)
      if (updated === null) throw new CORE_USER_NOT_FOUND(id)
      return publicUser(updated)
    },

    /**
     * Make sure the user `admin` exists. On the very first start its password is ADMIN_PASSWORD or,
     * when that is unset, a generated one returned here to be printed once.
     */
    async bootstrapAdmin (password: string | null): Promise<{ created: boolean, generatedPassword: string | null }> {
      if (await repo.findByUsername('admin') !== null) return { created: false, generatedPassword: null }
      const chosen = password ?? generatePassword()
      try {
        await service.create({ username: 'admin', password: chosen, role: 'admin', displayName: 'Administrator' })
      } catch (error) {
        if (error instanceof CORE_USER_EXISTS) return { created: false, generatedPassword: null }
        throw error
      }
      return { created: true, generatedPassword: password === null ? chosen : null }
    }
  }
  return service
}

export type UserService = Awaited<ReturnType<typeof createUserService>>
