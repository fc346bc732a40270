/**
 * With a server-side session store (phial/session-store on Redis) and
 * `manageSession: false`, Socket.IO handlers open the app's session on every
 * event and save what they change: HTTP and Socket.IO share one session.
 * With the default managed session, a handler's change stays on the
 * connection. Redis absent: skipped with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, session, type RunningServer } from 'phial'
import { SocketIO } from 'phial/socketio'
import { SessionStore } from 'phial/session-store'
import { Redis } from 'ioredis'
import { REDIS_URL, closeClients, connect, redisAvailable } from './helpers.ts'

const hasRedis = await redisAvailable('test/ext/socketio/server-session.test.ts')
const PREFIX = `phialtest-socketio-sess-${process.pid}-${Date.now().toString(36)}:`

function makeApp(manageSession: boolean): { app: Phial; socketio: SocketIO } {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'server-sessions', LOG_LEVEL: 'silent', SESSION_TYPE: 'redis', SESSION_REDIS: REDIS_URL, SESSION_KEY_PREFIX: PREFIX })
  new SessionStore(app)
  app.post('/start', function start() {
    session.set('color', 'red')
    return 'ok'
  })
  app.get('/color', function color() {
    return String(session.get('color'))
  })
  const socketio = new SocketIO(app, { manageSession })
  socketio.on('paint', (color: string) => {
    session.set('color', color)
    return 'painted'
  })
  socketio.on('color', () => session.get('color'))
  return { app, socketio }
}

describe.skipIf(!hasRedis)('Socket.IO with a server-side session store', () => {
  const running: Array<{ server: RunningServer; socketio: SocketIO }> = []
  beforeAll(async () => {
    for (const manage of [false, true]) {
      const { app, socketio } = makeApp(manage)
      running.push({ server: await app.run({ port: 0, announce: false }), socketio })
    }
  })
  afterAll(async () => {
    closeClients()
    for (const { server, socketio } of running) {
      await socketio.close()
      await server.close()
    }
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${PREFIX}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  async function cookieFor(base: string): Promise<string> {
    const res = await fetch(`${base}/start`, { method: 'POST' })
    return res.headers.getSetCookie()[0]!.split(';')[0]!
  }

  it('manageSession: false — a change made in a handler is saved and HTTP sees it', async () => {
    const base = running[0]!.server.url
    const cookie = await cookieFor(base)
    const { socket, error } = await connect(base, '/', { extraHeaders: { cookie } })
    expect(error).toBeNull()
    expect(await socket.timeout(3000).emitWithAck('color')).toBe('red')
    expect(await socket.timeout(3000).emitWithAck('paint', 'green')).toBe('painted')
    const page = await fetch(`${base}/color`, { headers: { cookie } })
    expect(await page.text()).toBe('green')
  })

  it('managed (the default) — the change stays on the connection', async () => {
    const base = running[1]!.server.url
    const cookie = await cookieFor(base)
    const { socket } = await connect(base, '/', { extraHeaders: { cookie } })
    await socket.timeout(3000).emitWithAck('paint', 'blue')
    expect(await socket.timeout(3000).emitWithAck('color')).toBe('blue')
    const page = await fetch(`${base}/color`, { headers: { cookie } })
    expect(await page.text()).toBe('red')
  })
})
