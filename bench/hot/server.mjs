/**
 * One minimal server for the hot-path A/B runs (bench/hot/ab.mjs): the
 * fastify/benchmarks shape — one route per scenario, no plugins.
 *
 *   FRAMEWORK=phial|fastify|node SCENARIO=plaintext|json|param|routes LOG=0|1 PORT=… \
 *   PHIAL_DIST=/path/to/dist/index.js node bench/hot/server.mjs
 *
 * PHIAL_DIST picks the Phial build (old vs new); LOG=1 turns on Phial's access
 * log or `fastify({ logger: true })`. Logs go to stdout: redirect it to a file
 * or /dev/null.
 */
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'

const FRAMEWORK = process.env.FRAMEWORK ?? 'phial'
const SCENARIO = process.env.SCENARIO ?? 'plaintext'
const LOG = process.env.LOG === '1'
const PORT = Number(process.env.PORT ?? 3000)
const HELLO = 'Hello, World!'
// CPU_PORT: a side server answering the process's CPU time in µs (bench/hot/cpu.mjs reads it per batch)
if (process.env.CPU_PORT) {
  createServer((_req, res) => {
    const u = process.cpuUsage()
    res.end(String(u.user + u.system))
  }).listen(Number(process.env.CPU_PORT), '127.0.0.1')
}
// COUNT_ASYNC=1: count the async resources created, by type, and print them to stderr on SIGINT
const asyncCounts = {}
if (process.env.COUNT_ASYNC === '1') {
  const { createHook } = await import('node:async_hooks')
  createHook({ init(_id, type) { asyncCounts[type] = (asyncCounts[type] ?? 0) + 1 } }).enable()
}
// exit normally on SIGINT, so that --cpu-prof writes its profile
process.once('SIGINT', () => {
  if (process.env.COUNT_ASYNC === '1') process.stderr.write(`${JSON.stringify(asyncCounts)}\n`)
  process.exit(0)
})

/** 100 rules with one parameter each, plus the one wrk asks for last. */
function routeTable() {
  const out = []
  for (let i = 0; i < 100; i++) out.push([`/api/v${i % 4}/r${i}/:id`, i])
  return out
}

if (FRAMEWORK === 'phial') {
  const dist = process.env.PHIAL_DIST ?? new URL('../../dist/index.js', import.meta.url).pathname
  const { Phial, Response, toNodeHandler } = await import(pathToFileURL(dist).href)
  const app = new Phial(import.meta.url, { name: 'hot', staticFolder: null })
  app.config.SECRET_KEY = 'hot-path-benchmark-secret-key'
  app.config.ACCESS_LOG = LOG
  // HOT_CONFIG='{"REQUEST_ID_HEADER":null}': more settings, for experiments
  Object.assign(app.config, JSON.parse(process.env.HOT_CONFIG ?? '{}'))
  if (SCENARIO === 'plaintext') app.get('/plaintext', function plaintext() { return new Response(HELLO, { mimetype: 'text/plain' }) })
  if (SCENARIO === 'json') app.get('/json', function json() { return { message: HELLO } })
  if (SCENARIO === 'param') app.get('/users/<int:id>', function user({ id }) { return { id } })
  if (SCENARIO === 'routes') {
    for (const [rule, i] of routeTable()) app.addUrlRule(rule.replace(/:(\w+)/g, '<$1>'), `r${i}`, (args) => args)
  }
  // PLAIN_SERVER=1: `createServer(toNodeHandler(app))` with Node's defaults instead of app.run()
  if (process.env.PLAIN_SERVER === '1') createServer(toNodeHandler(app)).listen(PORT, '127.0.0.1')
  else await app.run({ host: '127.0.0.1', port: PORT, announce: false })
} else if (FRAMEWORK === 'fastify') {
  const { default: Fastify } = await import(new URL('../node_modules/fastify/fastify.js', import.meta.url).href)
  const app = Fastify({ logger: LOG })
  if (SCENARIO === 'plaintext') app.get('/plaintext', (_req, reply) => { reply.type('text/plain; charset=utf-8').send(HELLO) })
  if (SCENARIO === 'json') app.get('/json', () => ({ message: HELLO }))
  if (SCENARIO === 'param') app.get('/users/:id', (req) => ({ id: Number(req.params.id) }))
  if (SCENARIO === 'routes') for (const [rule] of routeTable()) app.get(rule, (req) => req.params)
  await app.listen({ host: '127.0.0.1', port: PORT })
} else {
  // FRAMEWORK=node-als: bare node:http, each request inside AsyncLocalStorage.run (the price of a request context)
  const { AsyncLocalStorage } = await import('node:async_hooks')
  // LOAD_PHIAL=1: import Phial (and make an app) without using it, to see what loading it costs the process
  if (process.env.LOAD_PHIAL === '1') {
    const { Phial } = await import(pathToFileURL(process.env.PHIAL_DIST ?? new URL('../../dist/index.js', import.meta.url).pathname).href)
    void new Phial(import.meta.url, { name: 'unused', staticFolder: null }).logger
  }
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
    const r = m === null && url.startsWith('/api/') ? url.slice(url.lastIndexOf('/') + 1) : null // the routes scenario
    const body = url === '/json' ? JSON.stringify({ message: HELLO }) : m !== null ? JSON.stringify({ id: Number(m[1]) }) : r !== null ? JSON.stringify({ id: r }) : null
    if (body === null) {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 })
      res.end('Not Found')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }
  createServer(als === null ? handle : (req, res) => als.run({ req }, handle, req, res)).listen(PORT, '127.0.0.1')
}
