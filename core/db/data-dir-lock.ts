import fs from 'node:fs'
import { CORE_DATA_DIR_LOCKED } from '../errors.js'

/**
 * The embedded database is one process's files: a second process opening them would corrupt them.
 * `<dataDir>.lock` holds the owner's pid; a lock left by a process that no longer runs (a crash, a
 * SIGKILL) is taken over.
 */
export function acquireDataDirLock (dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return () => releaseLock(lockPath)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10)
      if (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) {
        throw new CORE_DATA_DIR_LOCKED(dataDir, owner)
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new CORE_DATA_DIR_LOCKED(dataDir, -1)
}

function releaseLock (lockPath: string): void {
  try {
    if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.rmSync(lockPath, { force: true })
  } catch {
    // already gone
  }
}

function isProcessAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
