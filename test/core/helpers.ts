/**
 * Shared helpers of the core tests: a quiet app, a log recorder, a real
 * server on loopback and raw socket requests.
 */
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { Phial, type PhialOptions, type RunningServer } from '../../src/index.ts'

/** A new app with logging off (no static folder unless asked). */
export function makeApp(options: PhialOptions = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null, ...options })
  app.config.LOG_LEVEL = 'silent'
  return app
}

export interface LogLine {
  level: number
  msg: string
  err?: { message: string; stack: string; type: string }
  [key: string]: unknown
}

/** Replaces the app's logger with one that records JSON lines. */
export function recordLogs(app: Phial, level = 'info'): LogLine[] {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine)
      done()
    },
  })
  app.logger = pino({ level }, stream)
  return lines
}

/** Serves the app on a free loopback port for the duration of `fn`. */
export async function withServer<T>(app: Phial, fn: (srv: RunningServer) => Promise<T>): Promise<T> {
  const srv = await app.run({ port: 0, announce: false })
  try {
    return await fn(srv)
  } finally {
    await srv.close()
  }
}

/** Sends raw bytes to a server and resolves with everything it answers until it closes or goes idle. */
export function rawRequest(port: number, chunks: Array<string | Buffer>, options: { idleMs?: number; gapMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let timer: NodeJS.Timeout | null = null
    const finish = (): void => {
      if (timer) clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(received).toString('latin1'))
    }
    const arm = (): void => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(finish, options.idleMs ?? 300)
    }
    socket.on('data', (d) => {
      received.push(d)
      arm()
    })
    socket.on('end', finish)
    socket.on('close', finish)
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish()
      else reject(err)
    })
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) break
        socket.write(chunk)
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs))
      }
      arm()
    })
  })
}

/** The status code of a raw HTTP response. */
export function rawStatus(raw: string): number {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(raw)
  return m ? Number(m[1]) : 0
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
