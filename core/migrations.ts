import { fileURLToPath } from 'node:url'
import type { MigrationSource } from './db/migrate.js'

export const coreMigrations: MigrationSource = {
  module: 'core',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url))
}
