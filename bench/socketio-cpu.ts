/**
 * CPU per echo round trip (issue 17): Phial's Socket.IO layer against a bare
 * socket.io server, in one process (clients included, so compare the two, not
 * the figures to other machines), interleaved A/B/A/B. On a shared machine this
 * is steadier than round trips per second. Run with --cpu-prof to see where
 * the difference goes.
 *
 *   npx tsx --conditions=source bench/socketio-cpu.ts [--trips=20000] [--rounds=4] [--clients=10] [--fanout=0]
 *
 * --only=phial (or bare) runs one server alone, for a profile of it.
 * --fanout=N also times N-connection broadcasts (CPU per broadcast received by all).
 */
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Phial, session, toNodeHandler } from 'phial'
import { LoginManager, currentUser } from 'phial/login'
import { SocketIO } from 'phial/socketio'
import { Server } from 'socket.io'
import { io, type Socket } from 'socket.io-client'

const argv = process.argv.slice(2)
const opt = (name: string, fallback: string): number => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
const TRIPS = opt('trips', '20000')
const ROUNDS = opt('rounds', '4')
const CLIENTS = opt('clients', '10')
const FANOUT = opt('fanout', '0')
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7)

interface Target {
  name: string
  url: string
  broadcast(): void
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

async function phial(): Promise<Target> {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'bench', LOG_LEVEL: 'silent' })
  new LoginManager(app).userLoader((id) => ({ id }))
  const socketio = new SocketIO(app)
  socketio.on('echo', (data: unknown) => {
    void session.get('x')
    void currentUser.isAuthenticated
    return data
  })
  const server = createServer(toNodeHandler(app))
  socketio.attach(server, app)
  return { name: 'phial', url: await listen(server), broadcast: () => socketio.emit('tick', 1) }
}

async function clients(url: string, n: number): Promise<Socket[]> {
  const out: Socket[] = []
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from({ length: Math.min(100, n - i) }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: false }))
    await Promise.all(batch.map((s) => new Promise<void>((r) => s.once('connect', () => r()))))
    out.push(...batch)
  }
  return out
}

const cpu = (): number => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** µs of CPU per acked echo, `TRIPS` of them over `CLIENTS` clients. */
async function echo(sockets: Socket[], trips: number): Promise<number> {
  let left = trips
  const start = cpu()
  await Promise.all(
    sockets.map(async (s) => {
      while (left-- > 0) await s.emitWithAck('echo', 'x')
    }),
  )
  return (cpu() - start) / trips
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

const targets = ONLY === 'bare' ? [await bare()] : ONLY === 'phial' ? [await phial()] : [await bare(), await phial()]
const conns = new Map<Target, Socket[]>()
for (const t of targets) conns.set(t, await clients(t.url, CLIENTS))
const fans = new Map<Target, Socket[]>()
if (FANOUT > 0) for (const t of targets) fans.set(t, await clients(t.url, FANOUT))
for (const t of targets) await echo(conns.get(t)!, Math.min(TRIPS, 5000)) // warm-up
const res = new Map(targets.map((t) => [t.name, { echo: [] as number[], fan: [] as number[] }]))
for (let r = 0; r < ROUNDS; r++) {
  for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
    res.get(t.name)!.echo.push(await echo(conns.get(t)!, TRIPS))
    if (FANOUT > 0) res.get(t.name)!.fan.push(await fanout(t, fans.get(t)!, 20))
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const t of targets) {
  const x = res.get(t.name)!
  console.log(`${t.name}: echo CPU µs/trip median ${med(x.echo).toFixed(1)} [${x.echo.map((v) => v.toFixed(1)).join(' ')}]` + (FANOUT > 0 ? `; fan-out CPU µs/broadcast to ${FANOUT} median ${med(x.fan).toFixed(0)} [${x.fan.map((v) => v.toFixed(0)).join(' ')}]` : ''))
}
if (targets.length === 1) process.exit(0)
const [b, p] = targets.map((t) => res.get(t.name)!)
console.log(`echo overhead (CPU/trip): ${((med(p!.echo) / med(b!.echo) - 1) * 100).toFixed(1)}%` + (FANOUT > 0 ? `; fan-out: ${((med(p!.fan) / med(b!.fan) - 1) * 100).toFixed(1)}%` : ''))
process.exit(0)
