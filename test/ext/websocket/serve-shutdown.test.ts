/**
 * `phial serve` drains with the app's shutdown hooks: a plain WebSocket and
 * a Socket.IO connection (its engine.io WebSocket) are closed with 1001
 * (going away), not cut off (1006), when a worker drains on SIGHUP (reload:
 * the client reconnects to the new worker) and on SIGTERM (the server
 * exits 0 without waiting for the graceful timeout).
 */
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { freePort, killAll, startPhial, type Started } from '../../cli/helpers.ts'

const FIXTURE = fileURLToPath(new URL('./fixtures/shutdown_app.ts', import.meta.url))

afterAll(() => killAll())

/** A plain WebSocket on /ws/hold: resolves with its worker's pid and its close code. */
async function holdSocket(base: string): Promise<{ pid: number; closed: Promise<number> }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/hold`)
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  const pid = await new Promise<number>((resolve, reject) => {
    ws.once('message', (data) => resolve(Number(data.toString())))
    ws.once('error', reject)
  })
  return { pid, closed }
}

/** engine.io's own WebSocket (what a Socket.IO client rides on): resolves once open, with its close code. */
async function engineSocket(base: string): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()) // engine.io's open packet
    ws.once('error', reject)
  })
  return { closed } // not the bare promise: an async function would wait for it
}

async function startServe(): Promise<{ server: Started; base: string }> {
  const port = await freePort()
  const server = startPhial(['--app', FIXTURE, 'serve', '--port', String(port), '--workers', '1', '--graceful-timeout', '20'])
  const [, base] = await server.waitFor(/Listening at (http:\/\/127\.0\.0\.1:\d+)/, 30_000)
  await server.waitFor(/worker \d+ ready/, 30_000)
  return { server, base: base! }
}

describe('phial serve: WebSockets on a drain', () => {
  it('SIGHUP: the old worker closes its WebSockets with 1001 and a Socket.IO client reconnects to the new one', async () => {
    const { server, base } = await startServe()
    const sockets: Socket[] = []
    try {
      const plain = await holdSocket(base)
      const engine = await engineSocket(base)
      const client = io(base, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 })
      sockets.push(client)
      await new Promise<void>((resolve) => client.once('connect', () => resolve()))
      expect(await client.timeout(5000).emitWithAck('pid')).toBe(plain.pid)
      const reason = new Promise<string>((resolve) => client.once('disconnect', (why) => resolve(why)))
      const reconnected = new Promise<void>((resolve) => client.io.once('reconnect', () => resolve()))

      server.proc.kill('SIGHUP')
      expect(await plain.closed).toBe(1001)
      expect(await engine.closed).toBe(1001)
      expect(await reason).toBe('transport close') // not 'io server disconnect': the client reconnects by itself
      await reconnected
      const newPid = await client.timeout(5000).emitWithAck('pid')
      expect(newPid).not.toBe(plain.pid)
      expect((await holdSocket(base)).pid).toBe(newPid)
    } finally {
      for (const s of sockets) s.disconnect()
      server.proc.kill('SIGTERM')
      await server.exited
    }
  }, 60_000)

  it('SIGTERM: WebSockets closed with 1001, and the server exits 0 well before the graceful timeout', async () => {
    const { server, base } = await startServe()
    const plain = await holdSocket(base)
    const engine = await engineSocket(base)
    const started = Date.now()
    server.proc.kill('SIGTERM')
    expect(await plain.closed).toBe(1001)
    expect(await engine.closed).toBe(1001)
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(10_000) // --graceful-timeout is 20 s
  }, 60_000)
})
