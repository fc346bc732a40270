/**
 * A CPU-independent guard of the hot path (issue 12 item 4): instead of
 * timing requests, it counts what a plain request makes — promises and other
 * async resources (async_hooks init events), calls into the `ServerResponse`,
 * and socket writes per response on a real connection — and asserts the lean
 * path's numbers. Each promise costs an AsyncLocalStorage hook on Node 20 and
 * a microtask everywhere; a second socket write is a second syscall. A change
 * that makes the fast path async (an `async` function on the way, a
 * `Promise.resolve()`), writes headers and body separately, or starts work
 * per request breaks these counts, whatever the machine's speed.
 *
 * The counts are the same on Node 20 and 24: they are Phial's own, not
 * Node's (the fake request never reaches Node's HTTP code, and the socket
 * count compares against bare `node:http` on the same Node) — but for the
 * one `PhialContext` resource of entering the request's context on Node 24
 * (see {@link CONTEXT_ENTRY}).
 */
import { createHook } from 'node:async_hooks'
import { setFlagsFromString } from 'node:v8'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Socket, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Blueprint, Phial, Response, g, toNodeHandler } from 'phial'
import { ENTRY_MAKES_RESOURCE } from '../../src/core/enter-context.ts'

// V8's own test of an object's storage: fast mode (a hidden class) or a hash table (dictionary mode)
setFlagsFromString('--allow-natives-syntax')
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean

/**
 * What entering a request's context makes (src/core/enter-context.ts): with
 * Node 24's AsyncContextFrame, one AsyncResource, whose scope restores the
 * caller's frame without copying it (no promise, nothing queued); with the
 * async-hooks AsyncLocalStorage (Node 20, 22), nothing. A second entry per
 * request would show as 2.
 */
const CONTEXT_ENTRY: Record<string, number> = ENTRY_MAKES_RESOURCE ? { PhialContext: 1 } : {}

function makeApp(accessLog: boolean): Phial {
  const app = new Phial(import.meta.url, { name: 'perf', staticFolder: null })
  app.config.SECRET_KEY = 'perf-guard-secret-key-0123456789'
  app.config.ACCESS_LOG = accessLog
  app.config.LOG_LEVEL = 'silent'
  app.get('/plaintext', function plaintext() {
    return new Response('Hello, World!', { mimetype: 'text/plain' })
  })
  app.get('/json', function json() {
    return { message: 'Hello, World!' }
  })
  app.get('/users/<int:id>', function user({ id }) {
    return { id }
  })
  app.get('/tuple', function tuple() {
    return ['created', 201, { 'X-Kind': 'tuple' }]
  })
  app.get('/async', async function later() {
    return 'later'
  })
  const hooks = new Blueprint('hooks', import.meta.url, { urlPrefix: '/hooks' })
  for (let i = 1; i <= 5; i++) {
    hooks.beforeRequest(() => {
      g.hooks = i
    })
  }
  hooks.afterRequest((response) => response)
  hooks.get('/', function hooked() {
    return { hooks: g.hooks }
  })
  app.register(hooks)
  return app
}

interface FakeResult {
  status: number
  /** The headers object handed to `writeHead`. */
  head: Record<string, unknown> | null
  writeHeads: number
  ends: number
  endedWithBody: boolean
  otherCalls: string[]
  done: Promise<void>
}

const socket = { remoteAddress: '127.0.0.1', encrypted: false }

/** One request through `toNodeHandler` with fake Node objects that record what is called on them. */
function fakeRequest(handler: (req: IncomingMessage, res: ServerResponse) => void, url: string, around: (fn: () => void) => void = (fn) => fn()): FakeResult {
  let finished!: () => void
  const result: FakeResult = { status: 0, head: null, writeHeads: 0, ends: 0, endedWithBody: false, otherCalls: [], done: new Promise((r) => (finished = r)) }
  const req = { method: 'GET', url, headers: { host: 'localhost', 'user-agent': 'perf', accept: '*/*' }, socket, complete: true }
  const res = new Proxy(
    {
      statusCode: 200,
      headersSent: false,
      writeHead(status: number, head: Record<string, unknown>) {
        result.writeHeads++
        result.status = status
        result.head = head
        this.statusCode = status
        this.headersSent = true
        return this
      },
      end(body?: unknown) {
        result.ends++
        result.endedWithBody = body !== undefined
        finished()
        return this
      },
    },
    {
      get(target, key, receiver) {
        if (typeof key === 'string' && !(key in target)) result.otherCalls.push(key)
        return Reflect.get(target, key, receiver)
      },
    },
  )
  around(() => handler(req as unknown as IncomingMessage, res as unknown as ServerResponse))
  return result
}

/** The async resources (by type) created while `fn` runs synchronously. */
function resourcesDuring(fn: () => void, counts: Record<string, number>): void {
  const hook = createHook({
    init(_id, type) {
      counts[type] = (counts[type] ?? 0) + 1
    },
  })
  hook.enable()
  try {
    fn()
  } finally {
    hook.disable()
  }
}

/** One fake request, counting the async resources the handler creates (the fake's own promise is made before). */
async function measured(handler: (req: IncomingMessage, res: ServerResponse) => void, path: string): Promise<{ result: FakeResult; created: Record<string, number> }> {
  for (let i = 0; i < 3; i++) await fakeRequest(handler, path).done // warm: first-use work is not per request
  const created: Record<string, number> = {}
  const result = fakeRequest(handler, path, (fn) => resourcesDuring(fn, created))
  await result.done
  return { result, created }
}

describe('a plain request makes no promise and no async resource', () => {
  const app = makeApp(false)
  const handler = toNodeHandler(app)
  const paths = ['/plaintext', '/json', '/users/12345', '/tuple', '/hooks/']

  for (const path of paths) {
    it(`GET ${path}`, async () => {
      const { result, created } = await measured(handler, path)
      expect(result.status).toBeLessThan(300)
      expect(created).toEqual(CONTEXT_ENTRY)
      // one writeHead and one end carrying the body: Node sends both in one write
      expect(result).toMatchObject({ writeHeads: 1, ends: 1, endedWithBody: true })
      expect(result.otherCalls.filter((k) => !['socket', 'req'].includes(k))).toEqual([])
    })
  }

  // Node's writeHead walks the headers with for…in: over a hash table (an Object.create(null)
  // object) that and making the object cost ~0.5 µs more per response (bench/OPTIMISATIONS.md)
  for (const path of paths) {
    it(`GET ${path} hands writeHead its headers in V8's fast mode`, async () => {
      const { result } = await measured(handler, path)
      expect(result.head).not.toBeNull()
      expect(hasFastProperties(result.head!)).toBe(true)
    })
  }

  it('the fast-mode headers still inherit nothing: any name is an own header', () => {
    const response = new Response('x')
    const raw = response.headers.raw
    expect(raw.constructor).toBeUndefined()
    expect('toString' in raw).toBe(false)
    expect(response.headers.has('constructor')).toBe(false)
    response.headers.set('Constructor', 'a').set('toString', 'b').set('__proto__', 'c')
    expect(response.headers.get('constructor')).toBe('a')
    expect(response.headers.get('tostring')).toBe('b')
    expect(response.headers.get('__proto__')).toBe('c')
    expect(Object.keys(raw)).toEqual(['content-type', 'constructor', 'tostring', '__proto__'])
    expect(hasFastProperties({})).toBe(true)
    expect(hasFastProperties(Object.create(null) as object)).toBe(false) // what the check tells apart
  })

  it('the count sees a promise where one is made (an async view)', async () => {
    const { result, created } = await measured(handler, '/async')
    expect(result.status).toBe(200)
    expect(created.PROMISE ?? 0).toBeGreaterThan(0)
  })
})

describe('the access log adds no promise or async resource per request', () => {
  it('GET /plaintext with ACCESS_LOG on (level silent: the line is skipped, the check stays)', async () => {
    const app = makeApp(true)
    const handler = toNodeHandler(app)
    const { result, created } = await measured(handler, '/plaintext')
    expect(result.status).toBe(200)
    expect(created).toEqual(CONTEXT_ENTRY)
  })
})

describe('socket writes per response on a real keep-alive connection', () => {
  let phialServer: Server
  let bareServer: Server
  beforeAll(async () => {
    phialServer = createServer(toNodeHandler(makeApp(false)))
    bareServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '13' })
      res.end('Hello, World!')
    })
    await Promise.all([phialServer, bareServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))))
  })
  afterAll(async () => {
    await Promise.all([phialServer, bareServer].map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))))
  })

  /** Socket writes made by the server while answering `n` requests on one connection. */
  async function writesFor(server: Server, path: string, n: number): Promise<number> {
    const port = (server.address() as AddressInfo).port
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 })
    const get = (): Promise<number> =>
      new Promise((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
          .on('error', reject)
          .end()
      })
    await get() // connect first
    const serverSockets = new Set<Socket>()
    server.on('connection', (s) => serverSockets.add(s))
    const proto = Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown }
    const original = proto._writeGeneric
    let writes = 0
    proto._writeGeneric = function (this: Socket, ...args: unknown[]) {
      // only the server's side: the client's request writes go through the same method
      if ((this as unknown as { server?: unknown }).server === server) writes++
      return original.apply(this, args)
    }
    try {
      for (let i = 0; i < n; i++) expect(await get()).toBe(200)
    } finally {
      proto._writeGeneric = original
      agent.destroy()
    }
    return writes
  }

  it('one write per response, as bare node:http', async () => {
    const bare = await writesFor(bareServer, '/', 20)
    const phial = await writesFor(phialServer, '/plaintext', 20)
    expect(bare).toBe(20)
    expect(phial).toBe(bare)
    expect(await writesFor(phialServer, '/json', 20)).toBe(20)
  })
})
