/**
 * The servers of bench/rest.ts: a validated JSON POST and a marshalled GET,
 * in Phial (phial/rest with zod 4) or in Fastify (its JSON schemas: ajv for
 * the body, fast-json-stringify for the response), chosen by PEER.
 *
 *   PORT=8000 PEER=phial   tsx --conditions=source bench/rest-server.ts
 *   PORT=8000 PEER=fastify tsx --conditions=source bench/rest-server.ts
 *
 * CPU_PORT=8001 also answers the process's CPU time so far (user + system,
 * µs) on that port, for CPU per request (bench/rest.ts does). PHIAL_ROOT=dir
 * runs Phial from a built copy of the package (`dir/dist/`, e.g. another
 * commit's, for before/after runs) instead of src/.
 *
 * Both refuse unknown body fields and bound the same values, return 201 with
 * the created todo, and leave the internal field out of the GET.
 *
 * INPROC=post|get|invalid|plaintext does not listen: it feeds the real
 * http.Server through in-memory sockets (Node's parser, IncomingMessage,
 * ServerResponse and the framework run as on a socket; libuv and the kernel
 * are left out) and prints the CPU ns per request, best and median of
 * INPROC_BATCHES (9) batches of INPROC_N (10000) requests, after INPROC_WARM
 * (INPROC_N) warm-up requests — the steadiest measure on a shared machine
 * (bench/rest.ts --inproc runs it per peer). One difference from a TCP
 * socket: node:http parses an in-memory socket from JavaScript, so a request
 * is complete before the first microtask; a TCP socket's parser runs in C++
 * and lets microtasks run between a body and its end (readBody takes a body
 * that has arrived either way, src/http/body.ts).
 */
import { createServer, type Server } from 'node:http'
import { Duplex } from 'node:stream'

const PORT = Number(process.env.PORT ?? 8000)
const PEER = process.env.PEER ?? 'phial'
const INPROC = process.env.INPROC ?? null
let server: Server
if (process.env.CPU_PORT) {
  createServer((_req, res) => {
    const { user, system } = process.cpuUsage()
    res.end(String(user + system))
  }).listen(Number(process.env.CPU_PORT), '127.0.0.1').unref()
}

/** What the GET returns: an internal field the response schema must drop. */
const STORED = { id: 1, task: 'write the benchmark', priority: 2, tags: ['bench', 'rest'], done: false, ownerPasswordHash: 'scrypt$16384$8$1$salt$hash' }
let nextId = 2

if (PEER === 'phial') {
  // By path: bench/ is a package of its own, where 'phial' resolves only after `npm run bench` links it.
  const root = process.env.PHIAL_ROOT
  const { Phial, Response, toNodeHandler } = (root ? await import(`${root}/dist/index.js`) : await import('../src/index.ts')) as typeof import('../src/index.ts')
  const { Api, Resource } = (root ? await import(`${root}/dist/ext/rest/index.js`) : await import('../src/ext/rest/index.ts')) as typeof import('../src/ext/rest/index.ts')
  const { z } = await import('zod')
  const NewTodo = z.strictObject({
    task: z.string().min(1).max(200),
    priority: z.number().int().min(1).max(5),
    tags: z.array(z.string().max(20)).max(5),
  })
  const Todo = z.object({ id: z.number().int(), task: z.string(), priority: z.number().int(), tags: z.array(z.string()), done: z.boolean() })

  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ ACCESS_LOG: false, REST_DOCS_URL: null })
  const api = new Api(app)
  class TodoList extends Resource {
    post = this.validate({ body: NewTodo, responses: { 201: Todo } }, ({ body }) => [{ id: nextId++ % 1_000_000, done: false, ...body }, 201])
  }
  class TodoItem extends Resource<'/todos/<int:id>'> {
    get = this.validate({ responses: { 200: Todo } }, ({ path }) => ({ ...STORED, id: path.id }))
  }
  api.addResource(TodoList, '/todos')
  api.addResource(TodoItem, '/todos/<int:id>')
  app.get('/plaintext', function plaintext() {
    return new Response('ok', { mimetype: 'text/plain' })
  })
  server = createServer(toNodeHandler(app))
  if (INPROC === null) server.listen(PORT, '127.0.0.1', () => console.log(`phial rest on ${PORT}`))
} else if (PEER === 'fastify') {
  // fastify lives in bench/node_modules (`npm run bench` installs it): imported by name at run time only
  type Reply = { code(status: number): Reply; type(t: string): Reply; send(body: string): Reply }
  type Route = (request: { body: unknown; params: unknown }, reply: Reply) => Promise<unknown>
  type FastifyApp = {
    post(path: string, options: object, handler: Route): void
    get(path: string, options: object | Route, handler?: Route): void
    listen(options: { port: number; host: string }): Promise<string>
    ready(): Promise<unknown>
    server: Server
  }
  const fastifyName = 'fastify'
  const { default: Fastify } = (await import(fastifyName)) as { default: (options: object) => FastifyApp }
  const todoSchema = {
    type: 'object',
    properties: { id: { type: 'integer' }, task: { type: 'string' }, priority: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, done: { type: 'boolean' } },
    required: ['id', 'task', 'priority', 'tags', 'done'],
  } as const
  const newTodoSchema = {
    type: 'object',
    properties: {
      task: { type: 'string', minLength: 1, maxLength: 200 },
      priority: { type: 'integer', minimum: 1, maximum: 5 },
      tags: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 5 },
    },
    required: ['task', 'priority', 'tags'],
    additionalProperties: false,
  } as const
  // allErrors: every field error, as phial/rest reports them (Fastify's default stops at the first)
  const fastify = Fastify({ logger: false, ajv: { customOptions: { allErrors: true, removeAdditional: false } } })
  fastify.post('/todos', { schema: { body: newTodoSchema, response: { 201: todoSchema } } }, async (request, reply) => {
    const body = request.body as { task: string; priority: number; tags: string[] }
    reply.code(201)
    return { id: nextId++ % 1_000_000, done: false, ...body }
  })
  fastify.get('/todos/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 0 } } }, response: { 200: todoSchema } } }, async (request) => {
    return { ...STORED, id: (request.params as { id: number }).id }
  })
  fastify.get('/plaintext', async (_request: unknown, reply: Reply) => reply.type('text/plain').send('ok'))
  if (INPROC === null) {
    await fastify.listen({ port: PORT, host: '127.0.0.1' })
    console.log(`fastify rest on ${PORT}`)
  } else {
    await fastify.ready()
    server = fastify.server
  }
} else {
  throw new Error(`PEER must be phial or fastify, not '${PEER}'`)
}

/** A keep-alive connection in memory: bytes pushed in are requests; a response ends with its body's write. */
class MemorySocket extends Duplex {
  remoteAddress = '127.0.0.1'
  remotePort = 40_000
  encrypted = false
  pending: (() => void) | null = null
  status = 0
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    const head = chunk.toString('latin1', 0, 9) === 'HTTP/1.1 '
    if (head) this.status = Number(chunk.toString('latin1', 9, 12))
    callback()
    // a response is one write (headers with a body in memory); a head alone would be followed by its body
    if (this.pending !== null && !(head && chunk.toString('latin1', chunk.length - 4) === '\r\n\r\n')) {
      const done = this.pending
      this.pending = null
      done()
    }
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: () => void): void {
    for (const { chunk } of chunks) this._write(chunk, 'buffer', () => {})
    callback()
  }
  setTimeout(): this {
    return this
  }
  setNoDelay(): this {
    return this
  }
  setKeepAlive(): this {
    return this
  }
  address(): { address: string; family: string; port: number } {
    return { address: '127.0.0.1', family: 'IPv4', port: PORT }
  }
}

if (INPROC !== null) {
  const post = (body: string): Buffer[] => [
    Buffer.from(`POST /todos HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
  ]
  const get = (paths: string[]): Buffer[] => paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${PORT}\r\n\r\n`))
  const requests: Record<string, { bytes: Buffer[]; status: number }> = {
    post: { bytes: post(JSON.stringify({ task: 'write the benchmark', priority: 2, tags: ['bench', 'rest'] })), status: 201 },
    invalid: { bytes: post(JSON.stringify({ task: '', priority: 9, tags: [], extra: 1 })), status: PEER === 'fastify' ? 400 : 422 },
    get: { bytes: get(['/todos/1', '/todos/2', '/todos/3']), status: 200 },
    plaintext: { bytes: get(['/plaintext']), status: 200 },
  }
  const scenario = requests[INPROC]
  if (scenario === undefined) throw new Error(`INPROC must be one of ${Object.keys(requests).join(', ')}`)
  const sockets = Array.from({ length: 50 }, () => {
    const socket = new MemorySocket()
    server.emit('connection', socket)
    return socket
  })
  let k = 0
  const one = (): Promise<void> => {
    const socket = sockets[k % sockets.length]!
    const bytes = scenario.bytes[k++ % scenario.bytes.length]!
    return new Promise<void>((resolve) => {
      socket.pending = resolve
      socket.push(bytes)
    })
  }
  const N = Number(process.env.INPROC_N ?? 10_000)
  const batches = Number(process.env.INPROC_BATCHES ?? 9)
  const warm = Number(process.env.INPROC_WARM ?? N)
  for (let i = 0; i < warm; i++) await one() // warm-up: the JIT, zod's compiler, first-use work
  const ns: number[] = []
  for (let b = 0; b < batches; b++) {
    const t0 = process.cpuUsage()
    for (let i = 0; i < N; i++) await one()
    const t = process.cpuUsage(t0)
    ns.push(((t.user + t.system) * 1000) / N)
  }
  for (const socket of sockets) if (socket.status !== scenario.status) throw new Error(`${PEER} ${INPROC}: status ${socket.status}, expected ${scenario.status}`)
  ns.sort((a, b) => a - b)
  console.log(JSON.stringify({ peer: PEER, scenario: INPROC, best: Math.round(ns[0]!), median: Math.round(ns[ns.length >> 1]!) }))
  process.exit(0)
}
