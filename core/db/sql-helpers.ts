const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/** Table and column names are never parameters; refuse anything that is not a plain identifier. */
export function assertIdentifier (name: string): void {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL identifier: ${JSON.stringify(name)}`)
}

/** Regroup a stream of CSV lines into chunks of at most `maxChars` (never splitting a line). */
export async function * collectCsvChunks (source: AsyncIterable<string>, maxChars: number): AsyncGenerator<string> {
  let parts: string[] = []
  let size = 0
  for await (const part of source) {
    if (size + part.length > maxChars && size > 0) {
      yield parts.join('')
      parts = []
      size = 0
    }
    parts.push(part)
    size += part.length
  }
  if (size > 0) yield parts.join('')
}
