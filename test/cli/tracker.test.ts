/**
 * ConnectionTracker in one process: draining finishes in-flight requests
 * with `Connection: close`, refuses new connections and closes idle
 * keep-alive ones after the grace time.
 */
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ConnectionTracker } from '../../src/server/production/tracker.ts'

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, agent, host: '127.0.0.1' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('ConnectionTracker', () => {
  it('drains: in-flight requests finish with Connection: close, idle keep-alive connections close, then it resolves', async () => {
    const server = createServer((req, res) => {
      const ms = req.url === '/slow' ? 300 : 0
      setTimeout(() => res.end(req.url), ms)
    })
    server.keepAliveTimeout = 60_000
    const tracker = new ConnectionTracker(server, { idleGrace: 100 })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    const agent = new Agent({ keepAlive: true, maxSockets: 2 })
    try {
      // two keep-alive connections: one will be busy, one idle when the drain starts
      const first = await Promise.all([get(port, '/a', agent), get(port, '/b', agent)])
      expect(first.map((r) => r.connection)).toEqual(['keep-alive', 'keep-alive'])
      expect(tracker.connections).toBe(2)
      const slow = get(port, '/slow', agent)
      await new Promise((r) => setTimeout(r, 50))
      expect(tracker.inFlight).toBe(1)
      const started = Date.now()
      const drained = tracker.drain(5_000)
      expect(tracker.draining).toBe(true)
      expect(await slow).toEqual({ status: 200, body: '/slow', connection: 'close' })
      await drained
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(tracker.connections).toBe(0)
      expect(server.listening).toBe(false)
      expect(tracker.requests).toBe(3)
    } finally {
      agent.destroy()
      server.closeAllConnections()
    }
  })

  it('cuts connections still busy after the timeout', async () => {
    const server = createServer(() => {
      /* never answers */
    })
    const tracker = new ConnectionTracker(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    const agent = new Agent({ keepAlive: true })
    const hanging = get(port, '/', agent).catch((err: NodeJS.ErrnoException) => err.code)
    await new Promise((r) => setTimeout(r, 50))
    const started = Date.now()
    await tracker.drain(200)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await hanging).toBe('ECONNRESET')
    agent.destroy()
  })
})
