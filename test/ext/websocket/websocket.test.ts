/**
 * phial/websocket over loopback with the real `ws` client: routing with
 * converters and urlFor, beforeRequest auth (an HTTP 401 before any
 * upgrade), the session and currentUser, the size limit (1009), ping/pong
 * keep-alive, close codes, the origin check, a user's own http.Server, and
 * the test connection.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, abort, request, session, toNodeHandler, urlFor, type RunningServer } from 'phial'
import { HandshakeRefused, Sock, type WebSocketConnection } from 'phial/websocket'
import { WebSocket } from 'ws'

let app: Phial
let sock: Sock
let server: RunningServer
let base: string
const finished: string[] = []

function open(path: string, headers: Record<string, string> = {}, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`, { headers, ...options })
  // a message can arrive in the same chunk as the 101: keep them from the start
  const queue: string[] = []
  inbox.set(ws, queue)
  ws.on('message', (data) => {
    const waiter = waiters.get(ws)?.shift()
    if (waiter) waiter(data.toString())
    else queue.push(data.toString())
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

const inbox = new WeakMap<WebSocket, string[]>()
const waiters = new WeakMap<WebSocket, Array<(m: string) => void>>()
function nextMessage(ws: WebSocket): Promise<string> {
  const queued = inbox.get(ws)!.shift()
  if (queued !== undefined) return Promise.resolve(queued)
  return new Promise((resolve) => {
    if (!waiters.has(ws)) waiters.set(ws, [])
    waiters.get(ws)!.push(resolve)
  })
}
const closeOf = (ws: WebSocket): Promise<[number, string]> => new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])))

async function login(name: string): Promise<string> {
  const res = await fetch(`${base}/login/${name}`, { method: 'POST' })
  return res.headers.getSetCookie()[0]!.split(';')[0]!
}

beforeAll(async () => {
  app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'ws-tests', LOG_LEVEL: 'silent', WEBSOCKET_MAX_MESSAGE_SIZE: 1000, WEBSOCKET_PING_INTERVAL: 100 })
  sock = new Sock(app)
  app.post('/login/<name>', function doLogin({ name }: { name: string }) {
    session.set('user', name)
    return 'ok'
  })
  app.beforeRequest(() => {
    if (request.path.startsWith('/private/') && !session.get('user')) abort(401, 'Log in first.')
  })
  sock.route('/echo', async function echo(ws) {
    for await (const message of ws) ws.send(message)
  })
  sock.route('/rooms/<int:id>', async function room(ws, { id }: { id: number }) {
    ws.send({ id, type: typeof id, url: urlFor('room', { id }), user: session.get('user') ?? null })
    await ws.receive()
  })
  sock.route('/private/whoami', async function whoami(ws) {
    ws.send(String(session.get('user')))
  })
  sock.route('/fail', async function fail() {
    throw new Error('boom')
  })
  sock.route('/hold', async function hold(ws) {
    try {
      await ws.receive()
    } finally {
      finished.push('hold')
    }
  })
  sock.route('/kick', async function kick(ws) {
    await ws.close(4000, 'kicked')
  })
  server = await app.run({ port: 0, announce: false })
  base = server.url
})

afterAll(() => server.close())

describe('routing', () => {
  it('echoes, with text and binary kept apart', async () => {
    const ws = await open('/echo')
    ws.send('hello')
    expect(await nextMessage(ws)).toBe('hello')
    const binary = new Promise<[Buffer, boolean]>((resolve) => ws.once('message', (d, isBinary) => resolve([d as Buffer, isBinary])))
    ws.send(Buffer.from([1, 2, 3]))
    const [data, isBinary] = await binary
    expect(isBinary).toBe(true)
    expect([...data]).toEqual([1, 2, 3])
    ws.close()
  })

  it('converters give typed view args; urlFor builds the route; the session is the handshake cookie', async () => {
    const cookie = await login('ada')
    const ws = await open('/rooms/42', { cookie })
    expect(JSON.parse(await nextMessage(ws))).toEqual({ id: 42, type: 'number', url: '/rooms/42', user: 'ada' })
    ws.close()
  })

  it('an unknown path or a converter that does not match is a 404 before any upgrade', async () => {
    await expect(open('/nowhere')).rejects.toThrow('HTTP 404')
    await expect(open('/rooms/abc')).rejects.toThrow('HTTP 404')
  })

  it('a plain GET of a WebSocket route is a 400 that says why', async () => {
    const res = await fetch(`${base}/echo`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('WebSocket connections only')
  })
})

describe('hooks and security', () => {
  it('a beforeRequest hook refuses the handshake with its HTTP status (auth)', async () => {
    await expect(open('/private/whoami')).rejects.toThrow('HTTP 401')
    const cookie = await login('bob')
    const ws = await open('/private/whoami', { cookie })
    expect(await nextMessage(ws)).toBe('bob')
  })

  it('refuses a cross-site Origin (403), accepts the same origin', async () => {
    await expect(open('/echo', { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    const ws = await open('/echo', { origin: base })
    ws.close()
  })

  it('an oversize message closes the connection with 1009', async () => {
    const ws = await open('/echo')
    const closed = closeOf(ws)
    ws.send('x'.repeat(2000))
    expect((await closed)[0]).toBe(1009)
    const again = await open('/echo')
    again.send('small')
    expect(await nextMessage(again)).toBe('small')
    again.close()
  })
})

describe('close codes and keep-alive', () => {
  it('1000 when the handler returns, 1011 when it throws, its own code when it closes', async () => {
    const fine = await open('/private/whoami', { cookie: await login('c') })
    expect((await closeOf(fine))[0]).toBe(1000)
    const failing = await open('/fail')
    expect(await closeOf(failing)).toEqual([1011, 'internal error'])
    const kicked = await open('/kick')
    expect(await closeOf(kicked)).toEqual([4000, 'kicked'])
  })

  it('a client that leaves ends the handler (ConnectionClosed)', async () => {
    const ws = await open('/hold')
    ws.terminate()
    await expect.poll(() => finished.includes('hold')).toBe(true)
  })

  it('a client that does not answer pings is cut off; one that does stays', async () => {
    const deaf = await open('/hold', {}, { autoPong: false })
    const polite = await open('/hold')
    const [code] = await closeOf(deaf)
    expect(code).toBe(1006)
    expect(polite.readyState).toBe(WebSocket.OPEN)
    polite.close()
  })
})

describe('serving', () => {
  it("a user's own http.Server with toNodeHandler and sock.attach; close() closes sockets with 1001", async () => {
    const own = createServer(toNodeHandler(app))
    sock.attach(own, app)
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r))
    const port = (own.address() as AddressInfo).port
    const ws = new WebSocket(`ws://127.0.0.1:${port}/hold`)
    await new Promise((r) => ws.once('open', r))
    const closed = closeOf(ws)
    const stopped = new Promise((r) => own.close(r))
    expect((await closed)[0]).toBe(1001)
    await stopped
  })

  it('the test connection shares a test client session; a refused one rejects with the status', async () => {
    const http = app.testClient()
    await http.post('/login/dora')
    const ws: WebSocketConnection = await sock.testClient(app, '/private/whoami', { client: http })
    expect(await ws.receive()).toBe('dora')
    expect((await ws.closed).code).toBe(1000)
    const refused = sock.testClient(app, '/private/whoami')
    await expect(refused).rejects.toBeInstanceOf(HandshakeRefused)
    await expect(refused).rejects.toMatchObject({ status: 401 })
  })
})
