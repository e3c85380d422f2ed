import { Type } from '@sinclair/typebox'
import { ROLES } from './roles.js'

export const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)))

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 128 }),
  password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false })

export const NewUserBody = Type.Object({
  username: Type.String({ pattern: '^[A-Za-z0-9_.@-]{2,64}$' }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  role: RoleSchema,
  orgId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  displayName: Type.Optional(Type.String({ maxLength: 200 }))
}, { additionalProperties: false })

export const UserUpdateBody = Type.Object({
  role: Type.Optional(RoleSchema),
  orgId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
  displayName: Type.Optional(Type.String({ maxLength: 200 })),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 }))
}, { additionalProperties: false, minProperties: 1 })

export const UserListQuery = Type.Object({
  role: Type.Optional(RoleSchema)
}, { additionalProperties: false })
