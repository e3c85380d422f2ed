import { isUniqueViolation } from '../../core/db/database.js'
import type { Database } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { TRC_BATCH_NOT_FOUND, TRC_BATCH_NOT_ISSUED, TRC_CODE_INVALID } from '../errors.js'
import { formatItemUri, parseCode } from '../gs1/digital-link.js'
import { hasValidCheckDigit } from '../gs1/check-digit.js'
import { isValidSscc } from '../gs1/sscc.js'
import { createCodeRepository } from './code.repository.js'
import type { CodeBatch } from './code.repository.js'
import type { SerialGenerator } from './serial.js'

/** Codes generated per step, and copied per transaction (so other traffic interleaves with a big batch). */
const GENERATE_CHUNK = 10_000
const COPY_CHUNK = 100_000
const EXPORT_PAGE = 50_000
const MAX_COLLISION_RETRIES = 3

export interface IssueRequest {
  gtin: string
  lot: string | null
  quantity: number
  createdBy: string | null
}

/**
 * Issuing codes: the batch row first (`issuing`), then serials generated and streamed into the database
 * with COPY in chunks, then `issued` — only then are its codes valid. Nothing holds the whole batch in
 * memory: generation, copy and export all move one chunk at a time.
 */
export function createCodeService (deps: { db: Database, bus: EventBus, catalog: CatalogService, serials: SerialGenerator, resolver: string, logger: Logger, now: () => number }) {
  const repo = createCodeRepository(deps.db)

  async function * csvChunk (batch: CodeBatch, fromSeq: number, count: number): AsyncGenerator<string> {
    for (let done = 0; done < count; done += GENERATE_CHUNK) {
      const n = Math.min(GENERATE_CHUNK, count - done)
      const serials = deps.serials.generate(batch.gtin, n)
      let lines = ''
      for (let i = 0; i < n; i++) lines += `${serials[i] as string},${batch.id},${fromSeq + done + i}\n`
      yield lines
    }
  }

  const copyWithRetry = async (batch: CodeBatch, fromSeq: number, count: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await repo.copyCodes(csvChunk(batch, fromSeq, count))
        return
      } catch (error) {
        // A serial equal to one already stored: the copy rolled back; new random serials will not collide.
        if (!isUniqueViolation(error) || attempt >= MAX_COLLISION_RETRIES) throw error
        deps.logger.warn({ batchId: batch.id, fromSeq }, 'serial collision while issuing; regenerating the chunk')
      }
    }
  }

  const service = {
    async issue (request: IssueRequest): Promise<CodeBatch> {
      const product = await deps.catalog.getProduct(request.gtin)
      const batch = await repo.insertBatch({ gtin: product.gtin, lot: request.lot, quantity: request.quantity, createdBy: request.createdBy, at: new Date(deps.now()) })
      try {
        for (let seq = 0; seq < request.quantity; seq += COPY_CHUNK) {
          await copyWithRetry(batch, seq, Math.min(COPY_CHUNK, request.quantity - seq))
        }
        const issued = await repo.setBatchStatus(batch.id, 'issued', new Date(deps.now()))
        deps.bus.publish('trace.codes_issued', { batchId: issued.id, gtin: issued.gtin, lot: issued.lot, quantity: issued.quantity })
        return issued
      } catch (error) {
        await repo.deleteCodes(batch.id).catch(() => {})
        await repo.setBatchStatus(batch.id, 'failed', null).catch(() => {})
        throw error
      }
    },

    async getBatch (id: number): Promise<CodeBatch> {
      const batch = await repo.findBatch(id)
      if (batch === null) throw new TRC_BATCH_NOT_FOUND(String(id)).withDetails({ field: 'params.id' })
      return batch
    },
    listBatches: (filter: { gtin?: string | undefined, limit: number, offset: number }) => repo.listBatches(filter),

    uriOf (batch: Pick<CodeBatch, 'gtin' | 'lot'>, serial: string): string {
      return formatItemUri(deps.resolver, batch.gtin, batch.lot, serial)
    },

    /** The batch's codes in issue order, `EXPORT_PAGE` at a time, from `offset`, at most `limit`. */
    async * iterateCodes (batch: CodeBatch, options: { offset?: number, limit?: number } = {}): AsyncGenerator<{ seq: number, serial: string, uri: string }[]> {
      if (batch.status !== 'issued') throw new TRC_BATCH_NOT_ISSUED(String(batch.id), batch.status)
      let after = (options.offset ?? 0) - 1
      let remaining = options.limit ?? Infinity
      while (remaining > 0) {
        const page = await repo.pageSerials(deps.db, batch.id, after, Math.min(EXPORT_PAGE, remaining))
        if (page === null) return
        const firstSeq = after + 1
        yield page.serials.map((serial, i) => ({ seq: firstSeq + i, serial, uri: service.uriOf(batch, serial) }))
        after = page.lastSeq
        remaining -= page.serials.length
      }
    },

    /** CSV (RFC 4180) of a batch: `uri,gtin,lot,serial`, streamed page by page. */
    async * exportCsv (batch: CodeBatch): AsyncGenerator<string> {
      yield 'uri,gtin,lot,serial\r\n'
      const lot = batch.lot === null ? '' : csvQuote(batch.lot)
      for await (const page of service.iterateCodes(batch)) {
        let text = ''
        for (const code of page) text += `${csvQuote(code.uri)},${batch.gtin},${lot},${code.serial}\r\n`
        yield text
      }
    },

    /** Normalise any accepted form of an item code to its URI on our resolver (labels of single codes). */
    canonicalUri (code: string): string {
      const parsed = parseCode(code)
      if (!parsed.ok) throw new TRC_CODE_INVALID(parsed.reason).withDetails({ field: 'query.code' })
      // A label is printed to be scanned: one that every check would refuse is not printed.
      if (parsed.code.kind === 'sscc') {
        if (!isValidSscc(parsed.code.sscc)) throw new TRC_CODE_INVALID(`SSCC ${parsed.code.sscc} has a wrong check digit`).withDetails({ field: 'query.code' })
        return `https://${deps.resolver}/00/${parsed.code.sscc}`
      }
      if (!hasValidCheckDigit(parsed.code.gtin)) throw new TRC_CODE_INVALID(`GTIN ${parsed.code.gtin} has a wrong check digit`).withDetails({ field: 'query.code' })
      if (!deps.serials.hasValidTag(parsed.code.gtin, parsed.code.serial)) {
        throw new TRC_CODE_INVALID(`serial ${parsed.code.serial} was not issued by this platform for GTIN ${parsed.code.gtin}`).withDetails({ field: 'query.code' })
      }
      return formatItemUri(deps.resolver, parsed.code.gtin, parsed.code.lot, parsed.code.serial)
    }
  }
  return service
}

function csvQuote (value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

export type CodeService = ReturnType<typeof createCodeService>
