import net from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 owned by a test, to cut a service's connections at will: `cut()` destroys
 * every open connection and refuses new ones until `restore()`.
 */
export async function startTcpProxy (target: { host: string, port: number }) {
  const sockets = new Set<net.Socket>()
  let open = true
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy()
      return
    }
    const upstream = net.connect(target.port, target.host)
    sockets.add(client)
    sockets.add(upstream)
    const close = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', close)
    upstream.on('error', close)
    client.on('close', close)
    upstream.on('close', close)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    cut (): void {
      open = false
      for (const socket of sockets) socket.destroy()
      sockets.clear()
    },
    restore (): void {
      open = true
    },
    async close (): Promise<void> {
      this.cut()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
