import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'

/**
 * Printable labels. A QR symbol carries the GS1 Digital Link URI (GS1 Digital Link §5: a QR code with
 * the URI is the recommended data carrier for consumer-facing items), error correction M.
 */
export interface LabelItem {
  uri: string
  gtin: string
  lot: string | null
  serial: string
}

export interface LabelSheetInfo {
  productName: string
  partNumber: string
}

const QR_OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 1 }

export async function renderQrSvg (text: string): Promise<string> {
  return await QRCode.toString(text, { ...QR_OPTIONS, type: 'svg' })
}

export async function renderQrPng (text: string, widthPx = 300): Promise<Buffer> {
  return await QRCode.toBuffer(text, { ...QR_OPTIONS, type: 'png', width: widthPx })
}

// A4 in points, 3 × 7 labels of 63.5 × 38.1 mm (a common label stock), 1 cm page margins.
const PAGE = { width: 595.28, height: 841.89, margin: 28.35 }
const GRID = { columns: 3, rows: 7 }
export const LABELS_PER_PAGE = GRID.columns * GRID.rows
const LABEL = { width: (PAGE.width - 2 * PAGE.margin) / GRID.columns, height: (PAGE.height - 2 * PAGE.margin) / GRID.rows }

/** Draw one QR symbol as vector rectangles (one per run of dark modules in a row): sharp at any print size. */
function drawQr (doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, QR_OPTIONS)
  const quiet = 1
  const cell = size / (modules.size + 2 * quiet)
  for (let row = 0; row < modules.size; row++) {
    let col = 0
    while (col < modules.size) {
      if (modules.get(row, col) === 0) { col++; continue }
      const start = col
      while (col < modules.size && modules.get(row, col) === 1) col++
      doc.rect(x + (start + quiet) * cell, y + (row + quiet) * cell, (col - start) * cell, cell)
    }
  }
  doc.fill('black')
}

/**
 * A PDF sheet of labels, streamed: pages are drawn as `items` yields them, so a long range never sits
 * in memory as a whole. The returned stream is the PDF; drawing errors destroy it.
 */
export function renderLabelSheet (info: LabelSheetInfo, items: AsyncIterable<readonly LabelItem[]>): NodeJS.ReadableStream {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: `Labels ${info.productName}` } })
  const draw = async (): Promise<void> => {
    let index = 0
    for await (const page of items) {
      for (const item of page) {
        const slot = index % LABELS_PER_PAGE
        if (slot === 0) doc.addPage({ size: 'A4', margin: 0 })
        const x = PAGE.margin + (slot % GRID.columns) * LABEL.width
        const y = PAGE.margin + Math.floor(slot / GRID.columns) * LABEL.height
        const qrSize = LABEL.height - 8
        drawQr(doc, item.uri, x + 4, y + 4, qrSize)
        const textX = x + qrSize + 8
        const textWidth = LABEL.width - qrSize - 12
        doc.fillColor('black').font('Helvetica-Bold').fontSize(7).text(info.productName, textX, y + 8, { width: textWidth, height: 18, ellipsis: true })
        doc.font('Helvetica').fontSize(6)
          .text(`P/N ${info.partNumber}`, textX, y + 28, { width: textWidth })
          .text(`(01) ${item.gtin}`, textX, y + 40, { width: textWidth })
        if (item.lot !== null) doc.text(`(10) ${item.lot}`, textX, y + 50, { width: textWidth })
        doc.font('Courier').fontSize(6).text(`(21) ${item.serial}`, textX, y + 62, { width: textWidth })
        index++
      }
    }
    if (index === 0) doc.addPage({ size: 'A4', margin: 0 }).font('Helvetica').fontSize(10).text('No labels in this range.', PAGE.margin, PAGE.margin)
    doc.end()
  }
  draw().catch((error: unknown) => doc.destroy(error as Error))
  return doc
}
