/**
 * Real services for the caching and session-store tests: whether Redis and
 * Memcached answer on loopback, and the rule of the project — a test whose
 * service is absent skips with a printed reason, and fails when
 * PHIAL_REQUIRE_SERVICES=1 (CI).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const MEMCACHED = process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211'
export const requireServices = process.env.PHIAL_REQUIRE_SERVICES === '1'

/** Sends `probe` to host:port and resolves true when the reply matches. */
function answers(host: string, port: number, probe: string, reply: RegExp, timeout = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let data = ''
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeout, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write(probe))
    socket.on('data', (chunk) => {
      data += chunk.toString()
      if (reply.test(data)) done(true)
    })
  })
}

/** Whether Redis answers PING at `url`. */
export function redisUp(url = REDIS_URL): Promise<boolean> {
  const u = new URL(url)
  return answers(u.hostname, Number(u.port || 6379), 'PING\r\n', /\+PONG/)
}

/** Whether Memcached answers `version` at `host:port`. */
export function memcachedUp(server = MEMCACHED): Promise<boolean> {
  const [host, port] = server.split(':')
  return answers(host!, Number(port ?? 11211), 'version\r\n', /^VERSION/m)
}

/**
 * `true` when the service is up; otherwise prints why the tests skip, or —
 * with PHIAL_REQUIRE_SERVICES=1 — throws so that the run fails.
 */
export async function service(name: string, up: Promise<boolean>, where: string): Promise<boolean> {
  if (await up) return true
  const message = `${name} is not reachable at ${where}`
  if (requireServices) throw new Error(`${message}, and PHIAL_REQUIRE_SERVICES=1 requires it`)
  console.warn(`[skip] ${message}: its tests are skipped (start it, or set PHIAL_REQUIRE_SERVICES=1 to make this a failure)`)
  return false
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A throwaway redis-server of this test file (never the shared one), to stop and restart. */
export class ThrowawayRedis {
  readonly port: number
  #proc: ChildProcess | null = null

  constructor(port: number) {
    this.port = port
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    if (this.#proc !== null && this.#proc.exitCode === null && this.#proc.signalCode === null) return
    if (await redisUp(this.url)) throw new Error(`Port ${this.port} already has a Redis (left over from an earlier run?): stop it first`)
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    this.#proc = proc
    for (let i = 0; i < 100; i++) {
      if (await redisUp(this.url)) return
      await sleep(50)
    }
    throw new Error(`redis-server did not start on port ${this.port}`)
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a network partition. */
  pause(): void {
    this.#proc?.kill('SIGSTOP')
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.#proc?.kill('SIGCONT')
  }

  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits until it is gone. */
  async kill(): Promise<void> {
    const proc = this.#proc
    this.#proc = null
    if (proc === null || proc.exitCode !== null) return
    const gone = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGKILL')
    proc.kill('SIGCONT')
    await gone
  }
}

/** Whether the redis-server binary can be started here. */
export function redisServerInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('redis-server', ['--version'], { stdio: 'ignore' })
    p.on('error', () => resolve(false))
    p.on('exit', (code) => resolve(code === 0))
  })
}

/** A throwaway memcached of this test file (never the shared one), to stop and restart. */
export class ThrowawayMemcached {
  readonly port: number
  #proc: ChildProcess | null = null

  constructor(port: number) {
    this.port = port
  }

  get server(): string {
    return `127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    if (this.#proc !== null && this.#proc.exitCode === null && this.#proc.signalCode === null) return
    if (await memcachedUp(this.server)) throw new Error(`Port ${this.port} already has a Memcached (left over from an earlier run?): stop it first`)
    // -u is required when running as root
    const args = ['-l', '127.0.0.1', '-p', String(this.port), '-U', '0', '-m', '16', ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])]
    this.#proc = spawn('memcached', args, { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      if (await memcachedUp(this.server)) return
      await sleep(50)
    }
    throw new Error(`memcached did not start on port ${this.port}`)
  }

  async kill(): Promise<void> {
    const proc = this.#proc
    this.#proc = null
    if (proc === null || proc.exitCode !== null) return
    const gone = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGKILL')
    await gone
  }
}

/** Whether the memcached binary can be started here. */
export function memcachedInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('memcached', ['--version'], { stdio: 'ignore' })
    p.on('error', () => resolve(false))
    p.on('exit', (code) => resolve(code === 0))
  })
}
