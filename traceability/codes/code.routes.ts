import { Readable } from 'node:stream'
import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { TRC_BATCH_NOT_ISSUED, TRC_BATCH_TOO_LARGE, TRC_LABELS_RANGE } from '../errors.js'
import { BatchListQuery, BatchParams, CodeQuery, LabelRangeQuery, NewBatchBody } from './code.schema.js'
import type { CodeService } from './code.service.js'
import { renderLabelSheet, renderQrPng, renderQrSvg } from './labels.js'

const MAX_LABELS_PER_SHEET = 2100

export function createCodeRoutes (deps: { codes: CodeService, catalog: CatalogService, batchMax: number }): RouteDefinition[] {
  const { codes, catalog } = deps
  return [
    defineRoute({
      method: 'POST',
      url: '/api/code-batches',
      access: ['brand'],
      summary: 'issue `quantity` item codes (GS1 Digital Link URIs with unguessable serials) for a product and lot',
      schema: { body: NewBatchBody },
      handler: async (request) => {
        const { body } = request
        if (body.quantity > deps.batchMax) {
          throw new TRC_BATCH_TOO_LARGE(body.quantity, deps.batchMax).withDetails({ field: 'body.quantity' })
        }
        const batch = await codes.issue({ gtin: body.gtin, lot: body.lot ?? null, quantity: body.quantity, createdBy: principalOf(request).userId })
        return respond(201, { ...batch, csv: `/api/code-batches/${batch.id}/codes.csv`, labels: `/api/code-batches/${batch.id}/labels.pdf` })
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/code-batches',
      access: ['brand'],
      summary: 'code batches, newest first',
      schema: { querystring: BatchListQuery },
      handler: async ({ query }) => ({ batches: await codes.listBatches(query) })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/code-batches/:id',
      access: ['brand'],
      summary: 'one code batch',
      schema: { params: BatchParams },
      handler: async ({ params }) => await codes.getBatch(params.id)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/code-batches/:id/codes.csv',
      access: ['brand'],
      summary: 'every code of the batch as CSV (uri,gtin,lot,serial), streamed',
      schema: { params: BatchParams },
      handler: async ({ params }) => {
        const batch = await codes.getBatch(params.id)
        if (batch.status !== 'issued') throw new TRC_BATCH_NOT_ISSUED(String(batch.id), batch.status)
        return respond(200, Readable.from(codes.exportCsv(batch)), {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="codes-${batch.gtin}-${batch.id}.csv"`
        })
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/code-batches/:id/labels.pdf',
      access: ['brand'],
      summary: 'printable A4 label sheet (QR + human-readable GTIN, lot, serial) for a range of the batch',
      schema: { params: BatchParams, querystring: LabelRangeQuery },
      handler: async ({ params, query }) => {
        if (query.limit > MAX_LABELS_PER_SHEET) throw new TRC_LABELS_RANGE(MAX_LABELS_PER_SHEET).withDetails({ field: 'query.limit' })
        const batch = await codes.getBatch(params.id)
        if (batch.status !== 'issued') throw new TRC_BATCH_NOT_ISSUED(String(batch.id), batch.status)
        const product = await catalog.getProduct(batch.gtin)
        async function * labels () {
          for await (const page of codes.iterateCodes(batch, query)) {
            yield page.map((c) => ({ uri: c.uri, gtin: batch.gtin, lot: batch.lot, serial: c.serial }))
          }
        }
        return respond(200, renderLabelSheet({ productName: product.name, partNumber: product.partNumber }, labels()), {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="labels-${batch.gtin}-${batch.id}-${query.offset}.pdf"`
        })
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/labels/qr.svg',
      access: ['brand', 'org_staff'],
      summary: 'QR symbol (SVG) of one item or case code, as its Digital Link URI on our resolver',
      schema: { querystring: CodeQuery },
      handler: async ({ query }) => respond(200, await renderQrSvg(codes.canonicalUri(query.code)), { 'content-type': 'image/svg+xml' })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/labels/qr.png',
      access: ['brand', 'org_staff'],
      summary: 'QR symbol (PNG, 300 px) of one item or case code',
      schema: { querystring: CodeQuery },
      handler: async ({ query }) => respond(200, await renderQrPng(codes.canonicalUri(query.code)), { 'content-type': 'image/png' })
    })
  ]
}
