/**
 * CPU per echo round trip (issue 17): Phial's Socket.IO layer against a bare
 * socket.io server, in one process (clients included, so compare the two, not
 * the figures to other machines), interleaved A/B/A/B. On a shared machine this
 * is steadier than round trips per second. Run with --cpu-prof to see where
 * the difference goes.
 *
 *   npx tsx --conditions=source bench/socketio-cpu.ts [--trips=20000] [--rounds=4] [--clients=10] [--fanout=0] [--login] [--no-page]
 *
 * --login: the echo clients are logged in (phial/login, the default `basic`
 * session protection): their handshake carries the session cookie of a
 * login made over HTTP with the same address and User-Agent, so each event
 * loads a user from the session. Both servers get the same headers.
 *
 * --layer: no sockets and no bare server: Phial's layer alone (its
 * `runEvent`, with a stub socket whose handshake is a real one's), µs of CPU
 * per event, `--trips` events a round; with --login too.
 * Phial's app first answers one HTTP request (GET /, the page a browser loads
 * before it connects), which compiles its route table as any first request
 * does; --no-page skips it (a socket-only app: each event's context then
 * builds its hook lists anew), in --layer too.
 * --only=phial (or bare) runs one server alone, for a profile of it.
 * --fanout=N also times N-connection broadcasts (CPU per broadcast received by all).
 * --bytes also prints the bytes allocated per trip (the heap's growth over a round: run node with
 * --max-semi-space-size=256 --min-semi-space-size=256 so that no GC runs within a round; a
 * negative figure means one did). Steady on a loaded machine, unlike CPU time.
 */
import { createServer, type Server as HttpServer } from 'node:http'
import { getHeapStatistics } from 'node:v8'
import type { AddressInfo } from 'node:net'
import { Phial, session, toNodeHandler } from 'phial'
import { LoginManager, currentUser, loginUser } from 'phial/login'
import { SocketIO } from 'phial/socketio'
import { runEvent, type AppState } from '../src/ext/socketio/dispatch.ts'
import { Server } from 'socket.io'
import { io, type Socket } from 'socket.io-client'

const argv = process.argv.slice(2)
const opt = (name: string, fallback: string): number => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
const TRIPS = opt('trips', '20000')
const ROUNDS = opt('rounds', '4')
const CLIENTS = opt('clients', '10')
const FANOUT = opt('fanout', '0')
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7)
const LOGIN = argv.includes('--login')
const LAYER = argv.includes('--layer')
const BYTES = argv.includes('--bytes')
const PAGE = !argv.includes('--no-page')
const USER_AGENT = 'phial-bench'

interface Target {
  name: string
  url: string
  broadcast(): void
  /** The echo clients' Cookie header (--login). */
  cookie?: string
}

async function listen(server: HttpServer): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function bare(): Promise<Target> {
  const server = createServer()
  const sio = new Server(server, { serveClient: false })
  sio.on('connection', (socket) => {
    socket.on('echo', (data: unknown, ack: (d: unknown) => void) => ack(data))
  })
  return { name: 'bare', url: await listen(server), broadcast: () => sio.emit('tick', 1) }
}

function echoHandler(data: unknown): unknown {
  void session.get('x')
  if (LOGIN && !currentUser.isAuthenticated) throw new Error('--login: the client is not logged in')
  void currentUser.isAuthenticated
  return data
}

function phialApp(): { app: Phial; socketio: SocketIO } {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'bench', LOG_LEVEL: 'silent' })
  new LoginManager(app).userLoader((id) => ({ id }))
  const socketio = new SocketIO(app)
  socketio.on('echo', echoHandler)
  app.post('/login', async function signIn() {
    await loginUser({ id: '1' })
    return 'ok'
  })
  app.get('/', function page() {
    return '<script src="/socket.io.js"></script>'
  })
  return { app, socketio }
}

async function phial(): Promise<Target> {
  const { app, socketio } = phialApp()
  const server = createServer(toNodeHandler(app))
  socketio.attach(server, app)
  const url = await listen(server)
  if (PAGE && (await fetch(`${url}/`, { headers: { 'user-agent': USER_AGENT } })).status !== 200) throw new Error('the page did not answer 200')
  return { name: 'phial', url, broadcast: () => socketio.emit('tick', 1), cookie: LOGIN ? await loginCookie(url) : undefined }
}

/** The session cookie of a login over HTTP from this process (same address and User-Agent as the clients'). */
async function loginCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, { method: 'POST', headers: { 'user-agent': USER_AGENT } })
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('session='))
  if (res.status !== 200 || cookie === undefined) throw new Error(`login failed: ${res.status}`)
  return cookie
}

async function clients(url: string, n: number, cookie?: string): Promise<Socket[]> {
  const out: Socket[] = []
  const extraHeaders: Record<string, string> = { 'user-agent': USER_AGENT }
  if (cookie !== undefined) extraHeaders.cookie = cookie
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders }))
    await Promise.all(batch.map((s) => new Promise<void>((r) => s.once('connect', () => r()))))
    out.push(...batch)
  }
  return out
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const cpu = (): number => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** Bytes allocated per trip of the last {@link echo} round (--bytes). */
let lastBytes = 0

/** µs of CPU per acked echo, `TRIPS` of them over `CLIENTS` clients. */
async function echo(sockets: Socket[], trips: number): Promise<number> {
  let left = trips
  const heap = getHeapStatistics().used_heap_size
  const start = cpu()
  await Promise.all(
    sockets.map(async (s) => {
      while (left-- > 0) await s.emitWithAck('echo', 'x')
    }),
  )
  const used = cpu() - start
  lastBytes = (getHeapStatistics().used_heap_size - heap) / trips
  return used / trips
}

async function fanout(target: Target, sockets: Socket[], times: number): Promise<number> {
  const start = cpu()
  for (let i = 0; i < times; i++) {
    const all = Promise.all(sockets.map((s) => new Promise((r) => s.once('tick', r))))
    target.broadcast()
    await all
  }
  return (cpu() - start) / times
}

/** --layer: µs of CPU per event through `runEvent`, the socket a stub with a loopback handshake. */
async function layer(): Promise<never> {
  const { app } = phialApp()
  const headers: Record<string, string> = { host: '127.0.0.1', 'user-agent': USER_AGENT }
  if (PAGE && (await app.testClient().get('/')).status !== 200) throw new Error('the page did not answer 200')
  if (LOGIN) {
    const http = app.testClient()
    await http.post('/login', { headers: { 'User-Agent': USER_AGENT }, remoteAddr: '127.0.0.1' })
    headers.cookie = `session=${http.getCookie('session')}`
  }
  const state: AppState = {
    app,
    io: null as never,
    manageSession: true,
    path: '/socket.io',
    handlers: { handler: () => echoHandler, errorHandler: () => undefined },
    closers: [],
  }
  const request = { url: '/socket.io/?EIO=4&transport=websocket', headers, socket: { remoteAddress: '127.0.0.1', encrypted: false } }
  const socket = { id: 'sid', nsp: { name: '/' }, conn: {}, request } as unknown as Parameters<typeof runEvent>[1]
  await runEvent(state, socket, 'echo', echoHandler, ['x']) // the first event loads phial/login's loadUser
  const round = (n: number): number => {
    const start = cpu()
    for (let i = 0; i < n; i++) if (runEvent(state, socket, 'echo', echoHandler, ['x']) instanceof Promise) throw new Error('not the sync path')
    return (cpu() - start) / n
  }
  round(Math.min(TRIPS, 20000))
  const us = Array.from({ length: ROUNDS }, () => round(TRIPS))
  console.log(`layer${LOGIN ? ' (logged in)' : ''}${PAGE ? '' : ' (no page)'}: CPU µs/event median ${med(us).toFixed(3)} [${us.map((v) => v.toFixed(3)).join(' ')}]`)
  process.exit(0)
}

if (LAYER) await layer()
const targets = ONLY === 'bare' ? [await bare()] : ONLY === 'phial' ? [await phial()] : [await bare(), await phial()]
// the bare server gets the same Cookie header (it ignores it)
const cookie = targets.find((t) => t.cookie !== undefined)?.cookie
const conns = new Map<Target, Socket[]>()
for (const t of targets) conns.set(t, await clients(t.url, CLIENTS, cookie))
const fans = new Map<Target, Socket[]>()
if (FANOUT > 0) for (const t of targets) fans.set(t, await clients(t.url, FANOUT))
for (const t of targets) await echo(conns.get(t)!, Math.min(TRIPS, 5000)) // warm-up
const res = new Map(targets.map((t) => [t.name, { echo: [] as number[], fan: [] as number[], bytes: [] as number[] }]))
for (let r = 0; r < ROUNDS; r++) {
  for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
    res.get(t.name)!.echo.push(await echo(conns.get(t)!, TRIPS))
    res.get(t.name)!.bytes.push(lastBytes)
    if (FANOUT > 0) res.get(t.name)!.fan.push(await fanout(t, fans.get(t)!, 20))
  }
}
for (const t of targets) {
  const x = res.get(t.name)!
  console.log(`${t.name}: echo CPU µs/trip median ${med(x.echo).toFixed(1)} [${x.echo.map((v) => v.toFixed(1)).join(' ')}]` + (BYTES ? `; bytes/trip [${x.bytes.map((v) => v.toFixed(0)).join(' ')}]` : '') + (FANOUT > 0 ? `; fan-out CPU µs/broadcast to ${FANOUT} median ${med(x.fan).toFixed(0)} [${x.fan.map((v) => v.toFixed(0)).join(' ')}]` : ''))
}
if (targets.length === 1) process.exit(0)
const [b, p] = targets.map((t) => res.get(t.name)!)
console.log(`echo overhead (CPU/trip): ${((med(p!.echo) / med(b!.echo) - 1) * 100).toFixed(1)}%` + (FANOUT > 0 ? `; fan-out: ${((med(p!.fan) / med(b!.fan) - 1) * 100).toFixed(1)}%` : ''))
process.exit(0)
