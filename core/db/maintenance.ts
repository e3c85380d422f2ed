import type { Logger } from '../logger.js'
import { createPeriodicTask } from '../periodic.js'
import type { Database } from './database.js'

export type MaintenanceTask = (db: Database) => Promise<void>

/**
 * TimescaleDB's background scheduler does not run inside the embedded engine, so the platform runs
 * every registered policy job itself (`CALL run_job(id)`: compression, retention, continuous aggregate
 * refresh) on a timer — on both drivers; on a server with its own scheduler this only runs them early.
 * Modules may add their own periodic tasks.
 */
export function createMaintenance (deps: { db: Database, logger: Logger, intervalSeconds: number }) {
  const tasks: Array<{ name: string, run: MaintenanceTask }> = []
  const reported = new Set<string>()

  const runTimescaleJobs = async (db: Database): Promise<void> => {
    if (!db.timescaledb) return
    const { rows } = await db.query<{ job_id: number, proc_name: string }>(
      "SELECT job_id, proc_name FROM timescaledb_information.jobs WHERE proc_name IN ('policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate') ORDER BY job_id")
    for (const job of rows) {
      try {
        await db.query(`CALL run_job(${Number(job.job_id)})`)
      } catch (error) {
        // Some jobs are refused by some builds (the embedded engine and aggregate refresh); say so once.
        if (!reported.has(job.proc_name)) {
          reported.add(job.proc_name)
          deps.logger.warn({ err: error, job: job.proc_name }, 'maintenance job failed; continuing without it')
        }
      }
    }
  }
  tasks.push({ name: 'timescaledb-jobs', run: runTimescaleJobs })

  const runAll = async (): Promise<void> => {
    for (const task of tasks) {
      try {
        await task.run(deps.db)
      } catch (error) {
        deps.logger.warn({ err: error, task: task.name }, 'maintenance task failed')
      }
    }
  }

  // Each task's failure is caught and logged above, so a run never fails as a whole.
  const periodic = createPeriodicTask(runAll, { intervalSeconds: deps.intervalSeconds, onError: () => {} })

  return {
    add (name: string, run: MaintenanceTask): void {
      tasks.push({ name, run })
    },
    /** Run every task now (also what the timer does). */
    runNow: periodic.runNow,
    start: periodic.start,
    stop: periodic.stop
  }
}

export type Maintenance = ReturnType<typeof createMaintenance>
