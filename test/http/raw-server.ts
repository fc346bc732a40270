/**
 * A bare node:http server for the body-reading tests, closed after each test
 * of the file that imports this.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'

let server: Server | null = null

/** Closes the server {@link listen} started, if any. */
export function closeServer(): Promise<void> {
  const open = server
  server = null
  return new Promise<void>((r) => (open ? open.close(() => r()) : r()))
}

afterEach(closeServer)

/** Starts `handler` on a free loopback port; resolves to the port. */
export function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const started = (server = createServer(handler))
  return new Promise((resolve) => started.listen(0, '127.0.0.1', () => resolve((started.address() as AddressInfo).port)))
}
