/**
 * Scale-out through Redis: `phial serve --workers 2` (WebSocket-only
 * transport, so no sticky sessions), clients spread over both workers, an
 * emit made in one worker (a view) and one made in another process (this
 * test, as a task or a command would) reach every client in the room.
 * Redis absent: skipped with the reason (failed under PHIAL_REQUIRE_SERVICES=1).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { REDIS_URL, connect, next, redisAvailable } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../../bin/phial.mjs', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/live_app.ts', import.meta.url))
const CHANNEL = `phialtest-socketio-${process.pid}-${Date.now().toString(36)}`
const hasRedis = await redisAvailable('test/ext/socketio/scale-out.test.ts')

let proc: ChildProcess | null = null
let base = ''
let output = ''

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as { port: number }).port
  await new Promise((r) => probe.close(r))
  return port
}

describe.skipIf(!hasRedis)('Socket.IO across processes through Redis', () => {
  beforeAll(async () => {
    process.env.LIVE_CHANNEL = CHANNEL
    process.env.LIVE_REDIS_URL = REDIS_URL
    const port = await freePort()
    const env: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', NODE_OPTIONS: '', LIVE_CHANNEL: CHANNEL }
    delete env.VITEST
    delete env.PHIAL_APP
    proc = spawn(process.execPath, [BIN, '--app', FIXTURE, 'serve', '--port', String(port), '--workers', '2'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    proc.stdout!.on('data', (c: Buffer) => (output += c.toString()))
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString()))
    const deadline = Date.now() + 40_000
    while (!/Listening at/.test(output)) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`phial serve did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    base = `http://127.0.0.1:${port}`
    // both workers listening: the master announces once the first is up
    await new Promise((r) => setTimeout(r, 1500))
  }, 60_000)

  afterAll(() => {
    if (proc?.pid) {
      try {
        process.kill(-proc.pid, 'SIGKILL')
      } catch {
        /* gone */
      }
    }
  })

  it('a room broadcast from a view in one worker reaches clients of every worker, and an emit from another process too', async () => {
    const clients: Socket[] = []
    const pids = new Set<number>()
    for (let i = 0; i < 8 && (pids.size < 2 || clients.length < 4); i++) {
      const { socket, error } = await connect(base)
      expect(error).toBeNull()
      clients.push(socket)
      pids.add(await socket.timeout(5000).emitWithAck('join', 'everyone'))
    }
    expect(pids.size).toBe(2) // the clients are spread over both workers

    const heard = clients.map((c) => next(c, 'announce', 5000))
    const res = await fetch(`${base}/announce/everyone`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"hello"' })
    const { pid: from } = (await res.json()) as { pid: number }
    const got = (await Promise.all(heard)).map(([payload]) => payload)
    expect(got).toEqual(clients.map(() => ({ text: 'hello', from })))

    // another process (a task, a command): the same app, no server, emitting through the queue
    const { createApp, socketio } = await import('./fixtures/live_app.ts')
    const app = createApp()
    const again = clients.map((c) => next(c, 'announce', 5000))
    app.appContext(() => socketio.to('everyone').emit('announce', { text: 'from a task', from: process.pid }))
    expect((await Promise.all(again)).map(([p]) => p)).toEqual(clients.map(() => ({ text: 'from a task', from: process.pid })))
    await socketio.close(app)
    for (const c of clients) c.disconnect()
  }, 30_000)

  it('plain WebSocket routes are served by the workers too', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/pid`)
    const pid = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(d.toString()))
      ws.once('error', reject)
    })
    expect(Number(pid)).toBeGreaterThan(0)
    ws.close()
  })

  it('a graceful stop does not wait for open WebSockets: they are ended and the server exits', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/pid`)
    await new Promise((resolve) => ws.once('message', resolve))
    const { socket } = await connect(base)
    const closed = new Promise<number>((resolve) => ws.once('close', resolve))
    const dropped = next(socket, 'disconnect', 10_000)
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', resolve))
    const start = Date.now()
    process.kill(proc!.pid!, 'SIGTERM')
    expect(await closed).toBe(1001) // going away: closed by the app's shutdown hook, not cut off (1006)
    expect((await dropped)[0]).toBe('transport close')
    expect(await exited).toBe(0)
    expect(Date.now() - start).toBeLessThan(8000)
  }, 20_000)
})
