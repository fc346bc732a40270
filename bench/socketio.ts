/**
 * The Socket.IO benchmark (issue 17): echo round trips per second (acks, a
 * fixed number of clients each with one request in flight) and the time to
 * fan one broadcast out to 1,000 connections, for Phial's layer
 * (phial/socketio: a request context per event, the handshake's session and
 * currentUser) against a bare socket.io server, in the same run, the two
 * servers alternating round by round. Target: Phial's overhead ≤ 10%.
 * Writes bench/SOCKETIO-RESULTS.md.
 *
 *   npx tsx --conditions=source bench/socketio.ts [--check] [--seconds=5] [--rounds=3] [--clients=50] [--fanout=1000] [--login] [--no-page] [--out=FILE]
 *
 * --login: the echo clients are logged in (phial/login's default `basic`
 * session protection; the handshake carries the session cookie of a login
 * made over HTTP with the same address and User-Agent; both servers get the
 * same headers). It prints its table and leaves SOCKETIO-RESULTS.md alone, as
 * --no-page does; --out=FILE writes the table to FILE instead of it.
 *
 * Phial's server first answers one HTTP request (GET /, the page a browser
 * loads before it connects: a real app serves one), which also compiles the
 * app's route table as any first request does; --no-page skips it, for a
 * socket-only app whose route table stays uncompiled (each event's context
 * then builds its hook lists anew: see docs/socketio.md).
 *
 * --check starts both servers once, checks they answer alike (an echo and a
 * broadcast), and stops (no load). Both are warmed up (1 s of echoes) before
 * the first round.
 * Both servers and the clients run in this process (loopback, WebSocket
 * transport): on a small machine, pin it (taskset -c 1) and compare only
 * within a run.
 */
import { writeFileSync } from 'node:fs'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Phial, session, toNodeHandler } from 'phial'
import { LoginManager, currentUser, loginUser } from 'phial/login'
import { SocketIO } from 'phial/socketio'
import { Server } from 'socket.io'
import { io, type Socket } from 'socket.io-client'

const argv = process.argv.slice(2)
const opt = (name: string, fallback: string): number => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
const CHECK = argv.includes('--check')
const SECONDS = opt('seconds', '5')
const ROUNDS = opt('rounds', '3')
const CLIENTS = opt('clients', '50')
const FANOUT = opt('fanout', '1000')
const LOGIN = argv.includes('--login')
const PAGE = !argv.includes('--no-page')
/** --out=FILE writes the table there instead of bench/SOCKETIO-RESULTS.md (--out=- nowhere). */
const OUT = argv.find((a) => a.startsWith('--out='))?.slice(6) ?? ''
const USER_AGENT = 'phial-bench'
/** The echo clients' Cookie header (--login), set once the Phial server is up. */
let echoCookie: string | undefined

interface Target {
  name: string
  url: string
  broadcast(): void
  close(): Promise<void>
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
  return { name: 'bare socket.io', url: await listen(server), broadcast: () => sio.emit('tick', 1), close: async () => void (await sio.close()) }
}

async function phial(): Promise<Target> {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'bench', LOG_LEVEL: 'silent' })
  new LoginManager(app).userLoader((id) => ({ id }))
  const socketio = new SocketIO(app)
  socketio.on('echo', (data: unknown) => {
    void session.get('x')
    if (LOGIN && !currentUser.isAuthenticated) throw new Error('--login: the client is not logged in')
    void currentUser.isAuthenticated // the work a real handler does: session and user
    return data
  })
  app.post('/login', async function signIn() {
    await loginUser({ id: '1' })
    return 'ok'
  })
  app.get('/', function page() {
    return '<script src="/socket.io.js"></script>'
  })
  const server = createServer(toNodeHandler(app))
  socketio.attach(server, app)
  const url = await listen(server)
  if (PAGE && (await fetch(`${url}/`, { headers: { 'user-agent': USER_AGENT } })).status !== 200) throw new Error('the page did not answer 200')
  if (LOGIN) {
    const res = await fetch(`${url}/login`, { method: 'POST', headers: { 'user-agent': USER_AGENT } })
    echoCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('session='))
    if (res.status !== 200 || echoCookie === undefined) throw new Error(`login failed: ${res.status}`)
  }
  return {
    name: 'phial/socketio',
    url,
    broadcast: () => socketio.emit('tick', 1),
    close: async () => {
      await socketio.close()
      await new Promise((r) => server.close(r))
    },
  }
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

/** Acked echoes per second over `CLIENTS` clients, one in flight each, for `seconds`. */
async function echo(target: Target, seconds = SECONDS): Promise<number> {
  const sockets = await clients(target.url, CLIENTS, echoCookie)
  let done = 0
  const end = Date.now() + seconds * 1000
  await Promise.all(
    sockets.map(async (s) => {
      while (Date.now() < end) {
        await s.emitWithAck('echo', 'x')
        done++
      }
    }),
  )
  for (const s of sockets) s.disconnect()
  return done / seconds
}

/** Median ms for one broadcast to reach all `FANOUT` connections. */
async function fanout(target: Target): Promise<number> {
  const sockets = await clients(target.url, FANOUT)
  const times: number[] = []
  for (let i = 0; i < 20; i++) {
    const start = performance.now()
    const all = Promise.all(sockets.map((s) => new Promise((r) => s.once('tick', r))))
    target.broadcast()
    await all
    times.push(performance.now() - start)
  }
  for (const s of sockets) s.disconnect()
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

const targets = [await bare(), await phial()]
if (CHECK) {
  for (const t of targets) {
    const [s] = await clients(t.url, 1, echoCookie)
    const answer = await s!.emitWithAck('echo', 'same')
    if (answer !== 'same') throw new Error(`${t.name} answered ${String(answer)}`)
    const tick = new Promise((r) => s!.once('tick', r))
    t.broadcast()
    if ((await tick) !== 1) throw new Error(`${t.name}: the broadcast did not arrive as sent`)
    s!.disconnect()
    console.log(`${t.name}: ok (echo, broadcast)`)
  }
} else {
  // warm both up first (JIT, connection code paths): with one round the first server measured would otherwise run cold
  for (const t of targets) await echo(t, Math.min(1, SECONDS))
  const results = new Map(targets.map((t) => [t.name, { echo: [] as number[], fanout: [] as number[] }]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      results.get(t.name)!.echo.push(await echo(t))
      results.get(t.name)!.fanout.push(await fanout(t))
    }
  }
  const best = (xs: number[], max: boolean): number => (max ? Math.max(...xs) : Math.min(...xs))
  const [b, p] = targets.map((t) => results.get(t.name)!)
  const lines = [
    '# Socket.IO benchmark',
    '',
    `${new Date().toISOString()}, Node ${process.version}, ${CLIENTS} echo clients${LOGIN ? ' (logged in)' : ''}${PAGE ? '' : ' (no page served first)'}, ${FANOUT} fan-out connections, best of ${ROUNDS} rounds of ${SECONDS} s`,
    '',
    '| server | echo round trips/s | fan-out to all (ms, median) |',
    '| --- | --- | --- |',
    ...targets.map((t) => `| ${t.name} | ${best(results.get(t.name)!.echo, true).toFixed(0)} | ${best(results.get(t.name)!.fanout, false).toFixed(1)} |`),
    '',
    `Phial's echo overhead: ${((1 - best(p!.echo, true) / best(b!.echo, true)) * 100).toFixed(1)}% (target ≤ 10%); fan-out: ${((best(p!.fanout, false) / best(b!.fanout, false) - 1) * 100).toFixed(1)}%.`,
  ]
  // the results file holds the default run only (anonymous clients, the page served first)
  const out = OUT !== '' ? OUT : !LOGIN && PAGE ? new URL('./SOCKETIO-RESULTS.md', import.meta.url) : '-'
  if (out !== '-') writeFileSync(out, `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
}
for (const t of targets) await t.close()
process.exit(0)
