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
 */
import { createServer } from 'node:http'

const PORT = Number(process.env.PORT ?? 8000)
const PEER = process.env.PEER ?? 'phial'
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
  createServer(toNodeHandler(app)).listen(PORT, '127.0.0.1', () => console.log(`phial rest on ${PORT}`))
} else if (PEER === 'fastify') {
  // fastify lives in bench/node_modules (`npm run bench` installs it): imported by name at run time only
  type Reply = { code(status: number): Reply; type(t: string): Reply; send(body: string): Reply }
  type Route = (request: { body: unknown; params: unknown }, reply: Reply) => Promise<unknown>
  type FastifyApp = {
    post(path: string, options: object, handler: Route): void
    get(path: string, options: object | Route, handler?: Route): void
    listen(options: { port: number; host: string }): Promise<string>
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
  await fastify.listen({ port: PORT, host: '127.0.0.1' })
  console.log(`fastify rest on ${PORT}`)
} else {
  throw new Error(`PEER must be phial or fastify, not '${PEER}'`)
}
