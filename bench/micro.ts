/**
 * `npx tsx --conditions=source bench/micro.ts [scenario …]`: the cost of
 * Phial's Node adapter and dispatch alone, without sockets or Node's HTTP
 * parser — fake `IncomingMessage`/`ServerResponse` objects go through
 * `toNodeHandler(app)` back to back. Prints CPU ns per request (the best of 7
 * batches), which other load on the machine disturbs far less than req/s.
 * `MICRO_ENTRY=path/to/src/index.ts` runs another copy of the sources, for A/B runs.
 * Used for the before/after of each optimisation (bench/OPTIMISATIONS.md).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

// MICRO_ENTRY=/some/copy/src/index.ts compares another version of the sources (A/B runs)
const entry = process.env.MICRO_ENTRY
const phial = (entry ? await import(pathToFileURL(resolve(entry)).href) : await import('phial')) as typeof import('phial')
const { Blueprint, Phial, Response, g, session, toNodeHandler } = phial

const app = new Phial(import.meta.url, { name: 'micro', staticFolder: null })
app.config.SECRET_KEY = 'micro-secret-key'
// MICRO_ACCESS_LOG=1: with the access line (JSON to stdout: redirect it to a file or /dev/null)
app.config.ACCESS_LOG = process.env.MICRO_ACCESS_LOG === '1'
// MICRO_CONFIG='{"REQUEST_ID_HEADER":null}': more settings, for experiments
Object.assign(app.config, JSON.parse(process.env.MICRO_CONFIG ?? '{}'))
app.get('/plaintext', function plaintext() {
  return new Response('Hello, World!', { mimetype: 'text/plain' })
})
app.get('/json', function json() {
  return { message: 'Hello, World!' }
})
app.get('/users/<int:id>', function user({ id }) {
  return { id }
})
app.get('/session', function counter() {
  const n = ((session.get('n') as number | undefined) ?? 0) + 1
  session.set('n', n)
  return { n }
})
const hooks = new Blueprint('hooks', import.meta.url, { urlPrefix: '/hooks' })
for (let i = 1; i <= 5; i++) {
  hooks.beforeRequest(() => {
    g.hooks = i
  })
}
hooks.get('/', function hooked() {
  return { hooks: g.hooks }
})
app.register(hooks)
const handler = toNodeHandler(app)

const socket = { remoteAddress: '127.0.0.1', encrypted: false }

function once(url: string, cookie: string | undefined, check: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: 'localhost', 'user-agent': 'micro', accept: '*/*' }
    if (cookie) headers.cookie = cookie
    const req = { method: 'GET', url, headers, socket, complete: true }
    const res = {
      statusCode: 200,
      headersSent: false,
      head: null as Record<string, unknown> | null,
      writeHead(status: number, h: Record<string, unknown>) {
        this.statusCode = status
        this.head = h
        this.headersSent = true
        return this
      },
      end(body?: unknown) {
        if (check && this.statusCode !== 200) reject(new Error(`${url}: ${this.statusCode} ${String(body)}`))
        else resolve()
        return this
      },
      destroy() {
        reject(new Error('destroyed'))
      },
    }
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse)
  })
}

async function cookieFor(url: string): Promise<string | undefined> {
  let cookie: string | undefined
  await new Promise<void>((resolve) => {
    const req = { method: 'GET', url, headers: { host: 'localhost' }, socket, complete: true }
    const res = {
      statusCode: 200,
      headersSent: false,
      writeHead(_s: number, h: Record<string, string | string[]>) {
        const set = h['set-cookie']
        cookie = (Array.isArray(set) ? set : [set ?? ''])[0]!.split(';')[0]
        return this
      },
      end() {
        resolve()
        return this
      },
      destroy() {},
    }
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse)
  })
  return cookie
}

const SCENARIOS: Record<string, string> = { plaintext: '/plaintext', json: '/json', param: '/users/12345', hooks: '/hooks/', session: '/session', notfound: '/nope' }
const wanted = process.argv.slice(2).filter((a) => a in SCENARIOS)
const N = Number(process.env.MICRO_N ?? 50_000)
for (const name of wanted.length ? wanted : Object.keys(SCENARIOS)) {
  const url = SCENARIOS[name]!
  const cookie = name === 'session' ? await cookieFor(url) : undefined
  const check = name !== 'notfound'
  for (let i = 0; i < N; i++) await once(url, cookie, check) // warm-up
  const batches: number[] = []
  for (let b = 0; b < 7; b++) {
    const t0 = process.cpuUsage()
    for (let i = 0; i < N; i++) await once(url, cookie, check)
    const t = process.cpuUsage(t0)
    batches.push(((t.user + t.system) * 1000) / N)
  }
  batches.sort((a, b) => a - b)
  process.stdout.write(`${name.padEnd(10)} ${batches[0]!.toFixed(0).padStart(6)} ns/request (CPU, best of 7 batches of ${N}; median ${batches[3]!.toFixed(0)})\n`)
}
