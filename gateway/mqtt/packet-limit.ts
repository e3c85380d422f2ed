import type { Client } from 'aedes'

/** The part of mqtt-packet's parser the limit hooks into (aedes keeps one per client as `_parser`). */
interface PacketParser {
  packet: { length: number }
  _parseLength: () => boolean
  _emitError: (error: Error) => void
}

/**
 * Close a connection whose next packet announces more than `maxBytes` (its remaining length, the
 * fixed header's second field) before any of it is buffered: aedes itself would accumulate a packet
 * of any size — up to 256 MiB — in memory. The parser's error closes the connection the usual way.
 */
export function limitPacketSize (client: Client, maxBytes: number, onRefused: (length: number) => void): void {
  const parser = (client as Client & { _parser?: PacketParser })._parser
  if (parser === undefined || typeof parser._parseLength !== 'function') throw new TypeError('aedes client has no packet parser to limit')
  const parseLength = parser._parseLength.bind(parser)
  parser._parseLength = () => {
    if (!parseLength()) return false
    if (parser.packet.length <= maxBytes) return true
    onRefused(parser.packet.length)
    parser._emitError(new Error(`packet of ${parser.packet.length} bytes exceeds the ${maxBytes} allowed`))
    return false
  }
}
