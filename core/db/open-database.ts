import { openEmbeddedDatabase } from './embedded-driver.js'
import { openServerDatabase } from './server-driver.js'
import type { Database } from './database.js'

export interface OpenDatabaseOptions {
  /** PostgreSQL server URL; null selects the embedded driver. */
  url: string | null
  /** Embedded data folder; null keeps the embedded database in memory. */
  dataDir: string | null
  /** Embedded on disk: flush each commit before answering (default true). */
  fsync?: boolean
  /** Server schema (tests isolate themselves in one). */
  schema?: string
  onIdleError?: (error: Error) => void
}

export async function openDatabase (options: OpenDatabaseOptions): Promise<Database> {
  if (options.url !== null) {
    return await openServerDatabase({
      url: options.url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.onIdleError === undefined ? {} : { onIdleError: options.onIdleError })
    })
  }
  return await openEmbeddedDatabase({ dataDir: options.dataDir, ...(options.fsync === undefined ? {} : { fsync: options.fsync }) })
}
