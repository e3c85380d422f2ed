import type { Queryable } from '../db/database.js'
import type { Role } from './roles.js'

export interface User {
  id: string
  username: string
  role: Role
  orgId: string | null
  displayName: string
  disabled: boolean
  createdAt: Date
  updatedAt: Date
}

export interface UserWithHash extends User {
  passwordHash: string
}

interface UserRow {
  id: string
  username: string
  password_hash: string
  role: Role
  org_id: string | null
  display_name: string
  disabled: boolean
  created_at: Date
  updated_at: Date
}

function toUser (row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    orgId: row.org_id,
    displayName: row.display_name,
    disabled: row.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordHash: row.password_hash
  }
}

export interface NewUserRow {
  id: string
  username: string
  passwordHash: string
  role: Role
  orgId: string | null
  displayName: string
}

export interface UserChanges {
  role?: Role
  orgId?: string | null
  displayName?: string
  disabled?: boolean
  passwordHash?: string
}

export function createUserRepository (db: Queryable) {
  return {
    async insert (user: NewUserRow): Promise<UserWithHash> {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO users (id, username, password_hash, role, org_id, display_name)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [user.id, user.username, user.passwordHash, user.role, user.orgId, user.displayName])
      return toUser(rows[0] as UserRow)
    },

    async findByUsername (username: string): Promise<UserWithHash | null> {
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username])
      return rows[0] === undefined ? null : toUser(rows[0])
    },

    async findById (id: string): Promise<UserWithHash | null> {
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id])
      return rows[0] === undefined ? null : toUser(rows[0])
    },

    async list (filter: { role?: Role | undefined }): Promise<UserWithHash[]> {
      const { rows } = await db.query<UserRow>(
        'SELECT * FROM users WHERE ($1::text IS NULL OR role = $1) ORDER BY username', [filter.role ?? null])
      return rows.map(toUser)
    },

    async update (id: string, changes: UserChanges): Promise<UserWithHash | null> {
      const { rows } = await db.query<UserRow>(
        `UPDATE users SET
           role = COALESCE($2, role),
           org_id = CASE WHEN $3::boolean THEN $4 ELSE org_id END,
           display_name = COALESCE($5, display_name),
           disabled = COALESCE($6, disabled),
           password_hash = COALESCE($7, password_hash),
           updated_at = now()
         WHERE id = $1 RETURNING *`,
        [id, changes.role ?? null, changes.orgId !== undefined, changes.orgId ?? null,
          changes.displayName ?? null, changes.disabled ?? null, changes.passwordHash ?? null])
      return rows[0] === undefined ? null : toUser(rows[0])
    },

    async readSetting<T> (key: string): Promise<T | null> {
      const { rows } = await db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key])
      return rows[0]?.value ?? null
    },

    /** Insert the setting unless it exists; returns the value that is stored either way. */
    async initSetting<T> (key: string, value: T): Promise<T> {
      await db.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING', [key, JSON.stringify(value)])
      const { rows } = await db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key])
      return (rows[0] as { value: T }).value
    }
  }
}

export type UserRepository = ReturnType<typeof createUserRepository>
