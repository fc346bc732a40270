/**
 * The benchmark app in Fastify 5 with its own plugins (@fastify/static,
 * @fastify/view, @fastify/secure-session, @fastify/multipart) and a response
 * schema on the JSON routes, as Fastify recommends.
 */
import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyView from '@fastify/view'
import fastifySecureSession from '@fastify/secure-session'
import fastifyMultipart from '@fastify/multipart'
import nunjucks from 'nunjucks'
import {
  EXTRA_ROUTES,
  FORTUNES,
  GITHUB_ROUTES,
  HELLO,
  MODE,
  PORT,
  SECRET,
  STATIC_DIR,
  TEMPLATE_DIR,
  extraRoutes,
  inProcessLoop,
  summarize,
} from './shared.ts'

declare module 'fastify' {
  interface FastifyRequest {
    hooks: number
  }
}
declare module '@fastify/secure-session' {
  interface SessionData {
    n: number
  }
}

const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 })

await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/' })
await app.register(fastifyView, { engine: { nunjucks }, root: TEMPLATE_DIR })
// a 32-byte key, as the plugin's genkey.js makes (a secret + salt would run Argon2 at startup)
const key = createHash('sha256').update(SECRET).digest()
await app.register(fastifySecureSession, { key, cookie: { path: '/', httpOnly: true } })
await app.register(fastifyMultipart, { limits: { fileSize: 20 * 1024 * 1024 } })

app.get('/plaintext', (_req, reply) => {
  reply.type('text/plain; charset=utf-8').send(HELLO)
})

app.get(
  '/json',
  { schema: { response: { 200: { type: 'object', properties: { message: { type: 'string' } } } } } },
  () => ({ message: HELLO }),
)

app.get<{ Params: { id: number } }>(
  '/users/:id',
  {
    schema: {
      params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      response: { 200: { type: 'object', properties: { id: { type: 'integer' } } } },
    },
  },
  (req) => ({ id: req.params.id }),
)

for (const route of [...GITHUB_ROUTES, ...extraRoutes(EXTRA_ROUTES)]) app.get(route, (req) => req.params)

app.get('/fortunes', (_req, reply) => reply.view('fortunes.html', { fortunes: FORTUNES }))

app.get('/session', (req) => {
  const n = (req.session.get('n') ?? 0) + 1
  req.session.set('n', n)
  return { n }
})

app.post('/json-post', (req) => summarize(req.body))

// the file saved to a temporary file before the handler answers (removed after the response), as
// Phial, Flask (Werkzeug spools large files) and koa-body (formidable) do
app.post('/upload', async (req) => {
  const { files } = await req.saveRequestFiles()
  const file = files.find((f) => f.fieldname === 'file')
  return { size: file ? (await stat(file.filepath)).size : -1 }
})

await app.register(
  async (hooks) => {
    hooks.decorateRequest('hooks', 0)
    for (let i = 1; i <= 5; i++) {
      hooks.addHook('onRequest', (req, _reply, done) => {
        req.hooks = i
        done()
      })
    }
    hooks.get('/', (req) => ({ hooks: req.hooks }))
  },
  { prefix: '/hooks' },
)

if (MODE === 'inprocess') {
  await app.ready()
  await inProcessLoop(async () => {
    const res = await app.inject({ method: 'GET', url: '/json' })
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`)
  })
} else {
  await app.listen({ host: '127.0.0.1', port: PORT })
}
