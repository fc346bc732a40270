/**
 * phial/socketio over loopback with the real socket.io-client: handlers in
 * the handshake's context (session, currentUser), refusal, acks, rooms,
 * namespaces, error handlers, emits from a view, the origin check, an
 * oversize message, and a client that leaves mid-handler.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { g, request, session, urlFor, type Phial, type RunningServer } from 'phial'
import { currentUser } from 'phial/login'
import { ConnectionRefusedError, SocketIO, closeRoom, currentSocket, emit, joinRoom, leaveRoom, rooms, send } from 'phial/socketio'
import { closeClients, connect, loginCookie, makeApp, next, sleep, start, until } from './helpers.ts'

/** The logged-in user's name (the users of helpers.ts). */
const userName = (): string => (currentUser as unknown as { name: string }).name

let app: Phial
let socketio: SocketIO
let server: RunningServer
let base: string
const log: string[] = []
let release: () => void = () => {}
let torndown = 0

beforeAll(async () => {
  app = makeApp()
  socketio = new SocketIO(app, { maxHttpBufferSize: 10_000 })
  app.get('/room/<name>', function room({ name }: { name: string }) {
    return name
  })
  app.post('/notify/<room>', function notify({ room }: { room: string }) {
    socketio.to(room).emit('notice', request.json)
    return 'sent'
  })
  app.teardownAppContext(() => {
    torndown++
  })

  socketio.on('connect', (auth: { refuse?: boolean }) => {
    if (auth?.refuse) throw new ConnectionRefusedError('go away', { why: 'asked' })
    return currentUser.isAuthenticated // false refuses the anonymous
  })
  socketio.on('disconnect', (reason: string) => {
    log.push(`disconnect ${userName()} ${reason}`)
  })
  socketio.on('whoami', () => ({ name: userName(), greeting: session.get('greeting'), sid: currentSocket().id, url: urlFor('room', { name: 'x' }) }))
  socketio.on('add', async (a: number, b: number) => {
    await sleep(5)
    return a + b
  })
  socketio.on('echo', (text: string) => {
    emit('echo', text.toUpperCase())
  })
  socketio.on('message', (text: string) => {
    send(`got ${text}`)
  })
  socketio.on('remember', (value: string) => {
    session.set('remembered', value) // the connection's copy of the session
    g.seen = true
  })
  socketio.on('recall', () => [session.get('remembered'), g.seen ?? null])
  socketio.on('join', async (room: string) => {
    await joinRoom(room)
    return rooms()
  })
  socketio.on('leave', (room: string) => leaveRoom(room))
  socketio.on('close', (room: string) => closeRoom(room))
  socketio.on('shout', (room: string, text: string) => {
    emit('shout', text, { to: room, broadcast: true, includeSelf: false })
  })
  socketio.on('fail', () => {
    throw new Error('boom')
  })
  socketio.on('slow', async () => {
    await new Promise<void>((resolve) => (release = resolve))
    emit('late', 'nobody hears this') // the client is gone: dropped, no crash
    log.push(`slow done for ${userName()}`)
    return 'done'
  })
  socketio.onError((err) => ({ error: (err as Error).message }), { namespace: '/chat' })
  socketio.on('connect', () => true, { namespace: '/chat' })
  socketio.on('fail', () => {
    throw new Error('chat boom')
  }, { namespace: '/chat' })
  socketio.on('where', () => currentSocket().nsp.name, { namespace: '/chat' })

  server = await start(app)
  base = server.url
})

afterEach(() => closeClients())
afterAll(async () => {
  await socketio.close()
  await server.close()
})

async function loggedIn(id = '1', namespace = '/') {
  const cookie = await loginCookie(base, id)
  const { socket, error } = await connect(base, namespace, { extraHeaders: { cookie } })
  expect(error).toBeNull()
  return socket
}

describe('connect', () => {
  it('refuses a client without a session (the connect handler returns false)', async () => {
    const { socket, error } = await connect(base)
    expect(error?.message).toBe('Connection refused by the server')
    expect(socket.connected).toBe(false)
  })

  it('refuses with the message and data of a ConnectionRefusedError', async () => {
    const cookie = await loginCookie(base, '1')
    const { error } = await connect(base, '/', { extraHeaders: { cookie }, auth: { refuse: true } })
    expect(error?.message).toBe('go away')
    expect(error?.data).toEqual({ why: 'asked' })
  })

  it('refuses a cross-site page (Origin of another host) even with a session cookie', async () => {
    const cookie = await loginCookie(base, '1')
    const { error } = await connect(base, '/', { extraHeaders: { cookie, origin: 'http://evil.example' } })
    expect(error).not.toBeNull()
    const same = await connect(base, '/', { extraHeaders: { cookie, origin: base } })
    expect(same.error).toBeNull()
  })

  it('refuses a namespace nobody registered', async () => {
    const cookie = await loginCookie(base, '1')
    const { error } = await connect(base, '/nowhere', { extraHeaders: { cookie } })
    expect(error?.message).toBe('Invalid namespace')
  })
})

describe('handlers run in the handshake context', () => {
  it('see the session, currentUser (async userLoader) and urlFor; the return value is the ack', async () => {
    const socket = await loggedIn('1')
    const me = await socket.timeout(3000).emitWithAck('whoami')
    expect(me).toEqual({ name: 'ada', greeting: 'hi ada', sid: socket.id, url: '/room/x' })
    expect(await socket.timeout(3000).emitWithAck('add', 2, 3)).toBe(5)
  })

  it('keep one session per connection; g is new for every event; teardown runs per event', async () => {
    const socket = await loggedIn('2')
    const before = torndown
    socket.emit('remember', 'blue')
    expect(await socket.timeout(3000).emitWithAck('recall')).toEqual(['blue', null])
    expect(torndown - before).toBeGreaterThanOrEqual(2)
    const other = await loggedIn('2')
    expect(await other.timeout(3000).emitWithAck('recall')).toEqual([null, null])
  })

  it('emit() answers the sender, send() sends a message event', async () => {
    const socket = await loggedIn('1')
    const echoed = next(socket, 'echo')
    socket.emit('echo', 'hello')
    expect(await echoed).toEqual(['HELLO'])
    const msg = next(socket, 'message')
    socket.send('ping')
    expect(await msg).toEqual(['got ping'])
  })

  it('run the disconnect handler with the reason, as the user', async () => {
    const socket = await loggedIn('2')
    socket.disconnect()
    await until(() => log.includes('disconnect bob client namespace disconnect'), 3000, 'the disconnect handler')
  })
})

describe('rooms', () => {
  it('broadcast to a room reaches its members but not the sender nor outsiders; leave and close', async () => {
    const [a, b, c] = [await loggedIn('1'), await loggedIn('2'), await loggedIn('1')]
    expect(await a.timeout(3000).emitWithAck('join', 'lobby')).toEqual([a.id, 'lobby'])
    await b.timeout(3000).emitWithAck('join', 'lobby')
    const heard: string[] = []
    for (const [name, s] of [['a', a], ['b', b], ['c', c]] as const) s.on('shout', (text: string) => heard.push(`${name}:${text}`))
    a.emit('shout', 'lobby', 'hey')
    await until(() => heard.length > 0)
    await sleep(50)
    expect(heard).toEqual(['b:hey'])

    await b.timeout(3000).emitWithAck('leave', 'lobby')
    b.emit('shout', 'lobby', 'anyone?')
    await until(() => heard.length > 1)
    expect(heard).toEqual(['b:hey', 'a:anyone?'])

    await b.timeout(3000).emitWithAck('join', 'lobby')
    await c.timeout(3000).emitWithAck('close', 'lobby')
    c.emit('shout', 'lobby', 'closed')
    await sleep(100)
    expect(heard).toEqual(['b:hey', 'a:anyone?'])
  })

  it('a view emits to a room (emit from anywhere through the app)', async () => {
    const a = await loggedIn('1')
    await a.timeout(3000).emitWithAck('join', 'news')
    const notice = next(a, 'notice')
    const res = await fetch(`${base}/notify/news`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 1 }) })
    expect(res.status).toBe(200)
    expect(await notice).toEqual([{ n: 1 }])
  })

  it('emit from an app context outside any request (a task, a command)', async () => {
    const a = await loggedIn('1')
    const status = next(a, 'status')
    app.appContext(() => socketio.emit('status', 'all good'))
    expect(await status).toEqual(['all good'])
    const direct = next(a, 'direct')
    socketio.emit('direct', 'just you', { to: a.id })
    expect(await direct).toEqual(['just you'])
  })

  it('a server-side emit with a callback gets the client ack', async () => {
    const a = await loggedIn('1')
    a.on('question', (q: string, ack: (answer: string) => void) => ack(`${q}? yes`))
    const answer = await new Promise((resolve) => socketio.emit('question', 'ready', { to: a.id, callback: resolve }))
    expect(answer).toBe('ready? yes')
    expect(() => socketio.emit('question', 'x', { callback: () => {} })).toThrow(/needs 'to' one session id/)
  })
})

describe('namespaces and errors', () => {
  it('a namespace has its own handlers and error handler (its value is the ack)', async () => {
    const chat = await loggedIn('1', '/chat')
    expect(await chat.timeout(3000).emitWithAck('where')).toBe('/chat')
    expect(await chat.timeout(3000).emitWithAck('fail')).toEqual({ error: 'chat boom' })
    const root = await loggedIn('1', '/')
    await expect(root.timeout(300).emitWithAck('where')).rejects.toThrow() // no such handler in '/'
  })

  it('an unhandled error is logged, gets no ack, and the connection lives on', async () => {
    const root = await loggedIn('1')
    await expect(root.timeout(300).emitWithAck('fail')).rejects.toThrow()
    expect(await root.timeout(3000).emitWithAck('add', 1, 1)).toBe(2)
  })

  it('onErrorDefault catches namespaces without their own', async () => {
    const seen: string[] = []
    socketio.onErrorDefault((err) => {
      seen.push(`${(err as Error).message} as ${userName()}`)
      return 'handled'
    })
    const root = await loggedIn('2')
    expect(await root.timeout(3000).emitWithAck('fail')).toBe('handled')
    expect(seen).toEqual(['boom as bob'])
  })
})

describe('bad clients', () => {
  it('an oversize message closes that connection; others carry on', async () => {
    const big = await loggedIn('1')
    const small = await loggedIn('2')
    const gone = next(big, 'disconnect')
    big.emit('echo', 'x'.repeat(20_000))
    const [reason] = await gone
    expect(String(reason)).toMatch(/transport (close|error)/)
    expect(await small.timeout(3000).emitWithAck('add', 2, 2)).toBe(4)
  })

  it('a client that disconnects mid-handler: the handler finishes, its emit and ack are dropped', async () => {
    const socket = await loggedIn('1')
    socket.emit('slow', () => {})
    await sleep(50)
    socket.disconnect()
    await until(() => log.some((l) => l.startsWith('disconnect ada')))
    release()
    await until(() => log.includes('slow done for ada'), 3000, 'the slow handler to finish')
    const again = await loggedIn('1')
    expect(await again.timeout(3000).emitWithAck('add', 3, 4)).toBe(7)
  })

  it("a client cannot fake the server's 'disconnect' event: the reason is the server's own", async () => {
    const socket = await loggedIn('2')
    const count = log.length
    // socket.io-client refuses to emit reserved names: forge the packet
    ;(socket as unknown as { packet(p: unknown): void }).packet({ type: 2, data: ['disconnect', 'forged'], nsp: '/' })
    await until(() => log.length > count, 3000, 'the disconnect handler')
    expect(log.slice(count)).toEqual(['disconnect bob forced close']) // the parser refuses the packet and closes the connection
  })
})
