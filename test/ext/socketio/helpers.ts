/**
 * Shared pieces of the socketio tests: an app with a login view, a
 * loopback server, real socket.io-client connections, and Redis (skipped
 * with a printed reason when absent, failed under PHIAL_REQUIRE_SERVICES=1).
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import { Phial, session, type RunningServer } from 'phial'
import type { SocketIO } from 'phial/socketio'
import { LoginManager } from 'phial/login'
import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const requireServices = process.env.PHIAL_REQUIRE_SERVICES === '1'

/** Whether Redis answers; prints why not, or throws when services are required. */
export async function redisAvailable(file: string): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return true
  } catch (err) {
    const problem = `Redis is not reachable at ${REDIS_URL} (${(err as Error).message})`
    if (requireServices) throw new Error(`${file}: Redis is required here (PHIAL_REQUIRE_SERVICES=1) but ${problem}`)
    console.warn(`${file}: skipping the Redis tests: ${problem}`)
    return false
  } finally {
    client.disconnect()
  }
}

export const USERS = new Map([['1', { id: 1, name: 'ada' }], ['2', { id: 2, name: 'bob' }]])

/** An app with a signed-cookie session, phial/login, and POST /login/<id>. */
export function makeApp(): Phial {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'socketio-tests', LOG_LEVEL: 'silent', TESTING: true })
  const login = new LoginManager(app)
  login.userLoader(async (id) => USERS.get(id) ?? null) // asynchronous on purpose: the extension must await it
  app.post('/login/<id>', async function doLogin({ id }: { id: string }) {
    const { loginUser } = await import('phial/login')
    await loginUser(USERS.get(id)!)
    session.set('greeting', `hi ${USERS.get(id)!.name}`)
    return 'ok'
  })
  return app
}

/** Logs in over HTTP and returns the Cookie header to send. */
export async function loginCookie(base: string, id: string): Promise<string> {
  const res = await fetch(`${base}/login/${id}`, { method: 'POST' })
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`)
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

const opened = new Set<Socket>()

/** A real socket.io-client over the WebSocket transport; resolves once connected or refused. */
export async function connect(
  base: string,
  namespace = '/',
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<{ socket: Socket; error: (Error & { data?: unknown }) | null }> {
  const socket = io(`${base}${namespace}`, { transports: ['websocket'], reconnection: false, forceNew: true, ...options })
  opened.add(socket)
  const error = await new Promise<(Error & { data?: unknown }) | null>((resolve) => {
    socket.once('connect', () => resolve(null))
    socket.once('connect_error', (err) => resolve(err))
  })
  return { socket, error }
}

/** Closes every client opened by {@link connect}. */
export function closeClients(): void {
  for (const socket of opened) socket.disconnect()
  opened.clear()
}

/** The next `event` on `socket` (its arguments), or a timeout error. */
export function next(socket: Socket, event: string, timeout = 3000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeout} ms`)), timeout)
    socket.once(event, (...args: unknown[]) => {
      clearTimeout(timer)
      resolve(args)
    })
  })
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls until `check` is true. */
export async function until(check: () => boolean, timeout = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Starts the app on a free loopback port. */
export function start(app: Phial): Promise<RunningServer> {
  return app.run({ port: 0, announce: false })
}

/**
 * Serves `app` on loopback for the enclosing file or describe block: `ready`
 * gets the server's URL once it listens; clients are closed after each test,
 * socketio and the server after the last.
 *
 * @example
 * ```ts
 * let base = ''
 * serveForTests(app, socketio, (url) => (base = url))
 * ```
 */
export function serveForTests(app: Phial, socketio: SocketIO, ready: (url: string) => void): void {
  let server: RunningServer | null = null
  beforeAll(async () => {
    server = await start(app)
    ready(server.url)
  })
  afterEach(() => closeClients())
  afterAll(async () => {
    await socketio.close()
    await server?.close()
  })
}
