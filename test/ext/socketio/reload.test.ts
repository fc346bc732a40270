/**
 * `phial run --debug`: a change reloads the app (a new child process on the
 * same port); Socket.IO clients see the drop and reconnect by themselves,
 * and WebSocket routes are served by the new child.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { until } from './helpers.ts'

const BIN = fileURLToPath(new URL('../../../bin/phial.mjs', import.meta.url))
const DIR = fileURLToPath(new URL(`./fixtures/.reload-${process.pid}/`, import.meta.url))

const APP = `import { Phial } from 'phial'
import { SocketIO } from 'phial/socketio'
export const app = new Phial(import.meta.url)
app.config.LOG_LEVEL = 'error'
const socketio = new SocketIO(app)
socketio.on('pid', () => process.pid)
`

let proc: ChildProcess | null = null
afterAll(() => {
  if (proc?.pid) {
    try {
      process.kill(-proc.pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
  rmSync(DIR, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as { port: number }).port
  await new Promise((r) => probe.close(r))
  return port
}

describe('phial run --debug', () => {
  it('a reload drops the connection and the client reconnects to the new process', async () => {
    mkdirSync(DIR, { recursive: true })
    writeFileSync(`${DIR}app.ts`, APP)
    const port = await freePort()
    const env: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', NODE_OPTIONS: '' }
    delete env.VITEST
    delete env.PHIAL_APP
    let output = ''
    proc = spawn(process.execPath, [BIN, '--app', 'app.ts', 'run', '--debug', '--port', String(port)], { cwd: DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    proc.stdout!.on('data', (c: Buffer) => (output += c.toString()))
    proc.stderr!.on('data', (c: Buffer) => (output += c.toString()))
    await until(() => /Running on/.test(output) || proc!.exitCode !== null, 40_000, 'phial run')
    expect(proc.exitCode, output).toBeNull()

    const client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 })
    let connects = 0
    client.on('connect', () => connects++)
    await until(() => connects === 1, 10_000, 'the first connection')
    const first = await client.timeout(5000).emitWithAck('pid')

    appendFileSync(`${DIR}app.ts`, '// changed\n')
    await until(() => connects === 2, 30_000, `a reconnection after the reload\n${output}`)
    const second = await client.timeout(5000).emitWithAck('pid')
    expect(second).not.toBe(first)
    client.disconnect()
  }, 90_000)
})
