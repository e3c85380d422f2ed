import type { DeviceModelDefinition, FaultCode } from '../device-models/device-model.js'

export interface FaultCodeMatch extends FaultCode {
  model: string
  modelName: string
  score: number
}

/** Lower-case words of at least two characters (codes like `E5` count). */
export function tokenize (text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 2)
}

/**
 * The public quick lookup: by code (exact, then prefix) or by words (every word must appear in the code,
 * title, cause, remedy or parts; a word in the title weighs more). Pure; the catalogues come from the
 * device models. Best matches first, then by code.
 */
export function searchFaultCodes (models: readonly Pick<DeviceModelDefinition, 'id' | 'name' | 'faultCodes'>[], query: string, options: { model?: string | undefined, limit: number }): FaultCodeMatch[] {
  const needle = query.trim().toLowerCase()
  const words = tokenize(needle)
  const matches: FaultCodeMatch[] = []
  for (const model of models) {
    if (options.model !== undefined && model.id !== options.model) continue
    for (const entry of model.faultCodes) {
      const code = entry.code.toLowerCase()
      let score = 0
      if (code === needle) score = 1000
      else if (needle.length > 0 && code.startsWith(needle)) score = 500
      else if (words.length > 0) {
        const title = entry.title.toLowerCase()
        const rest = [entry.cause, entry.remedy, ...entry.parts.flatMap((part) => [part.partNumber, part.name]), ...entry.skills].join(' ').toLowerCase()
        for (const word of words) {
          const inTitle = title.includes(word) || code.includes(word)
          const inRest = rest.includes(word)
          if (!inTitle && !inRest) {
            score = 0
            break
          }
          score += inTitle ? 3 : 1
        }
      }
      if (score > 0) matches.push({ ...entry, model: model.id, modelName: model.name, score })
    }
  }
  matches.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code) || a.model.localeCompare(b.model))
  return matches.slice(0, options.limit)
}
