/**
 * The synchronous path of an event (issue 17's performance work): with a
 * cookie session, a synchronous userLoader and a synchronous handler, an
 * event runs and acks without waiting for a promise, and still sees the
 * handshake's session and currentUser, a fresh `g`, its teardown hooks, and
 * the error handler of a handler that throws.
 */
import { describe, expect, it } from 'vitest'
import { Phial, g, session } from 'phial'
import { LoginManager, currentUser, loginUser } from 'phial/login'
import { SocketIO, currentSocket, emit } from 'phial/socketio'
import { USERS, closeClients, connect, loginCookie, next, serveForTests, start } from './helpers.ts'

const app = new Phial(import.meta.url)
app.config.fromMapping({ SECRET_KEY: 'socketio-sync', LOG_LEVEL: 'silent', TESTING: true })
const loads: string[] = []
new LoginManager(app).userLoader((id) => {
  loads.push(id)
  return USERS.get(id) ?? null // synchronous: the event needs no promise
})
app.post('/login/<id>', async function doLogin({ id }: { id: string }) {
  await loginUser(USERS.get(id)!)
  session.set('greeting', `hi ${USERS.get(id)!.name}`)
  return 'ok'
})
const teardowns: string[] = []
app.teardownAppContext(() => {
  teardowns.push('done')
})
const socketio = new SocketIO(app)
socketio.on('whoami', (tag: string) => {
  const fresh = g.get('tag') === undefined
  g.tag = tag
  return { tag, fresh, name: (currentUser as { name?: string }).name ?? null, greeting: session.get('greeting') ?? null, sid: currentSocket().id }
})
socketio.on('boom', () => {
  throw new Error('sync failure')
})
socketio.onError((err) => ({ error: (err as Error).message }))
socketio.on('ping me', () => {
  emit('pong', 1) // before the ack: the client sees the emit first
  return 'acked'
})

let base = ''
serveForTests(app, socketio, (url) => (base = url))

describe('a synchronous event', () => {
  it('sees the session and the user of the handshake, with a fresh g and its own teardown, on every event', async () => {
    const cookie = await loginCookie(base, '2')
    const { socket, error } = await connect(base, '/', { extraHeaders: { cookie } })
    expect(error).toBeNull()
    loads.length = 0
    teardowns.length = 0
    const first = await socket.emitWithAck('whoami', 'a')
    const second = await socket.emitWithAck('whoami', 'b')
    expect(first).toEqual({ tag: 'a', fresh: true, name: 'bob', greeting: 'hi bob', sid: socket.id })
    expect(second).toEqual({ tag: 'b', fresh: true, name: 'bob', greeting: 'hi bob', sid: socket.id })
    expect(loads).toEqual(['2', '2']) // loaded for each event, as Flask-Login does per request
    expect(teardowns).toEqual(['done', 'done'])
  })

  it('is anonymous without a session', async () => {
    const { socket } = await connect(base)
    expect(await socket.emitWithAck('whoami', 'x')).toMatchObject({ name: null, greeting: null, fresh: true })
  })

  it('a handler that throws at once: the error handler answers the ack', async () => {
    const { socket } = await connect(base)
    expect(await socket.emitWithAck('boom')).toEqual({ error: 'sync failure' })
  })

  it("emits made in the handler reach the client before the handler's ack", async () => {
    const { socket } = await connect(base)
    const order: string[] = []
    const pong = next(socket, 'pong').then(() => order.push('pong'))
    const ack = socket.emitWithAck('ping me').then((v) => order.push(String(v)))
    await Promise.all([pong, ack])
    expect(order).toEqual(['pong', 'acked'])
  })
})

describe('session protection on events', () => {
  it("strong: the login's browser keeps its user on every event, another browser with the same cookie is anonymous on every event", async () => {
    const strong = new Phial(import.meta.url, { name: 'socketio-strong' })
    strong.config.fromMapping({ SECRET_KEY: 'socketio-strong', LOG_LEVEL: 'silent', TESTING: true, SESSION_PROTECTION: 'strong' })
    new LoginManager(strong).userLoader((id) => USERS.get(id) ?? null)
    strong.post('/login/<id>', async function doLogin({ id }: { id: string }) {
      await loginUser(USERS.get(id)!)
      return 'ok'
    })
    const sio = new SocketIO(strong)
    sio.on('whoami', () => (currentUser as { name?: string }).name ?? null)
    const running = await start(strong)
    try {
      const res = await fetch(`${running.url}/login/1`, { method: 'POST', headers: { 'user-agent': 'browser A' } })
      const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const same = await connect(running.url, '/', { extraHeaders: { cookie, 'user-agent': 'browser A' } })
      const other = await connect(running.url, '/', { extraHeaders: { cookie, 'user-agent': 'browser B' } })
      // alternating: each connection's fingerprint is its own, event after event
      for (let i = 0; i < 3; i++) {
        expect(await same.socket.emitWithAck('whoami')).toBe('ada')
        expect(await other.socket.emitWithAck('whoami')).toBeNull()
      }
    } finally {
      closeClients()
      await sio.close()
      await running.close()
    }
  })
})
