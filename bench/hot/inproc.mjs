/**
 * Node's HTTP server without sockets: `node bench/hot/inproc.mjs <scenario> [n] [batches]`.
 * FRAMEWORK, SCENARIO, PHIAL_DIST as for bench/hot/server.mjs. Each request is written as raw
 * bytes into an in-memory Duplex that the real `http.Server` takes as a connection (keep-alive,
 * 50 connections in turn), so Node's parser, IncomingMessage, ServerResponse, header validation
 * and the framework all run as on a socket — only libuv and the kernel are left out. Prints CPU
 * ns per request (process.cpuUsage, best and median of the batches): the JavaScript side of the
 * cost, far steadier than a wrk run on a shared machine.
 */
import { createServer } from 'node:http'
import { Duplex } from 'node:stream'
import { pathToFileURL } from 'node:url'

const FRAMEWORK = process.env.FRAMEWORK ?? 'phial'
const [scenario = 'plaintext', nArg = '20000', batchesArg = '9'] = process.argv.slice(2)
const PATHS = { plaintext: '/plaintext', json: '/json', param: '/users/12345', routes: '/api/v3/r99/abc', hooks: '/hooks' }
const HELLO = 'Hello, World!'
const path = PATHS[scenario]
// what wrk sends
const REQUEST = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n`)

function routeTable() {
  const out = []
  for (let i = 0; i < 100; i++) out.push([`/api/v${i % 4}/r${i}/:id`, i])
  return out
}

let server
if (FRAMEWORK === 'phial') {
  const dist = process.env.PHIAL_DIST ?? new URL('../../dist/index.js', import.meta.url).pathname
  const { Phial, Response, toNodeHandler, g } = await import(pathToFileURL(dist).href)
  const app = new Phial(import.meta.url, { name: 'hot', staticFolder: null })
  app.config.SECRET_KEY = 'hot-path-benchmark-secret-key'
  app.config.ACCESS_LOG = process.env.LOG === '1'
  Object.assign(app.config, JSON.parse(process.env.HOT_CONFIG ?? '{}'))
  if (scenario === 'plaintext') app.get('/plaintext', function plaintext() { return new Response(HELLO, { mimetype: 'text/plain' }) })
  if (scenario === 'json') app.get('/json', function json() { return { message: HELLO } })
  if (scenario === 'param') app.get('/users/<int:id>', function user({ id }) { return { id } })
  if (scenario === 'routes') for (const [rule, i] of routeTable()) app.addUrlRule(rule.replace(/:(\w+)/g, '<$1>'), `r${i}`, (args) => args)
  if (scenario === 'hooks') {
    for (let i = 1; i <= 5; i++) app.beforeRequest(() => { g.hooks = i })
    app.get('/hooks', function hooked() { return { hooks: g.hooks } })
  }
  server = createServer(toNodeHandler(app))
} else if (FRAMEWORK === 'fastify') {
  const { default: Fastify } = await import(new URL('../node_modules/fastify/fastify.js', import.meta.url).href)
  const app = Fastify({ logger: false })
  if (scenario === 'plaintext') app.get('/plaintext', (_req, reply) => { reply.type('text/plain; charset=utf-8').send(HELLO) })
  if (scenario === 'json') app.get('/json', () => ({ message: HELLO }))
  if (scenario === 'param') app.get('/users/:id', (req) => ({ id: Number(req.params.id) }))
  if (scenario === 'routes') for (const [rule] of routeTable()) app.get(rule, (req) => req.params)
  if (scenario === 'hooks') {
    for (let i = 1; i <= 5; i++) app.addHook('onRequest', (req, _reply, done) => { req.hooks = i; done() })
    app.get('/hooks', (req) => ({ hooks: req.hooks }))
  }
  await app.ready()
  server = app.server
} else {
  const { AsyncLocalStorage } = await import('node:async_hooks')
  const als = FRAMEWORK === 'node-als' ? new AsyncLocalStorage() : null
  const USER = /^\/users\/(\d{1,15})$/
  const handle = (req, res) => {
    const url = req.url ?? '/'
    if (url === '/plaintext') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(HELLO) })
      res.end(HELLO)
      return
    }
    const m = USER.exec(url)
    const r = m === null && url.startsWith('/api/') ? url.slice(url.lastIndexOf('/') + 1) : null
    const body = url === '/json' ? JSON.stringify({ message: HELLO }) : m !== null ? JSON.stringify({ id: Number(m[1]) }) : r !== null ? JSON.stringify({ id: r }) : url === '/hooks' ? '{"hooks":5}' : null
    res.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body ?? '') })
    res.end(body ?? '')
  }
  server = createServer(als === null ? handle : (req, res) => als.run({ req }, handle, req, res))
}

/** A connection: bytes pushed in are requests; a response ends when its body has arrived. */
class FakeSocket extends Duplex {
  constructor() {
    super()
    this.remoteAddress = '127.0.0.1'
    this.remotePort = 40000
    this.encrypted = false
    this.pending = null
    this.got = 0
    this.status = 0
  }
  _read() {}
  _write(chunk, _enc, cb) {
    if (this.status === 0) this.status = Number(chunk.toString('latin1', 9, 12))
    this.got += chunk.length
    cb()
    // headers and body are written together (one write per response for a body in memory)
    if (this.pending !== null && chunk.length > 0) { const p = this.pending; this.pending = null; p() }
  }
  _writev(chunks, cb) {
    for (const { chunk } of chunks) this._write(chunk, null, () => {})
    cb()
  }
  setTimeout() { return this }
  setNoDelay() { return this }
  setKeepAlive() { return this }
  address() { return { address: '127.0.0.1', family: 'IPv4', port: 8080 } }
}
const sockets = Array.from({ length: 50 }, () => {
  const s = new FakeSocket()
  server.emit('connection', s)
  return s
})
let k = 0
function one() {
  const s = sockets[k++ % sockets.length]
  return new Promise((resolve) => {
    s.pending = resolve
    s.push(REQUEST)
  })
}
await one()
if (sockets[0].status !== 200) throw new Error(`status ${sockets[0].status}`)
const N = Number(nArg)
for (let i = 0; i < N; i++) await one()
// HEAP_PROF=file: sample every allocation of the batches, garbage included (what a request allocates)
let heapSession = null
if (process.env.HEAP_PROF) {
  const { Session } = await import('node:inspector/promises')
  heapSession = new Session()
  heapSession.connect()
  await heapSession.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true })
}
const out = []
for (let b = 0; b < Number(batchesArg); b++) {
  const t0 = process.cpuUsage()
  for (let i = 0; i < N; i++) await one()
  const t = process.cpuUsage(t0)
  out.push(((t.user + t.system) * 1000) / N)
}
if (heapSession !== null) {
  const { profile } = await heapSession.post('HeapProfiler.stopSampling')
  ;(await import('node:fs')).writeFileSync(process.env.HEAP_PROF, JSON.stringify(profile))
}
out.sort((a, b) => a - b)
for (const s of sockets) if (s.status !== 200) throw new Error(`status ${s.status}`)
// batches = 0: only the warm-up ran (instruction counts under callgrind: /tmp runs with two n)
if (out.length > 0) process.stdout.write(`${scenario.padEnd(10)} ${(process.env.LABEL ?? FRAMEWORK).padEnd(14)} ${out[0].toFixed(0).padStart(6)} ns/request best, median ${out[out.length >> 1].toFixed(0)}\n`)
process.exit(0)
