/**
 * The full-tier app in Fastify 5. Each plugin is registered the way Fastify's
 * docs recommend and scoped to the routes that need it: inside its own
 * encapsulated plugin context (with a prefix where the routes share one), so
 * that its hooks, decorators and content-type parsers stay there — the
 * plaintext, JSON and parameter routes pay for none of them. @fastify/static,
 * @fastify/view (Nunjucks), @fastify/secure-session and @fastify/multipart;
 * response schemas on the JSON routes.
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

const app = Fastify({ logger: false })

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

// each plugin in an encapsulated context (a plain async function, not wrapped in fastify-plugin)
await app.register(async (files) => {
  await files.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/' })
})

await app.register(async (pages) => {
  await pages.register(fastifyView, { engine: { nunjucks }, root: TEMPLATE_DIR })
  pages.get('/fortunes', (_req, reply) => reply.view('fortunes.html', { fortunes: FORTUNES }))
})

await app.register(
  async (sessions) => {
    // a 32-byte key, as the plugin's genkey.js makes (a secret + salt would run Argon2 at startup)
    const key = createHash('sha256').update(SECRET).digest()
    await sessions.register(fastifySecureSession, { key, cookie: { path: '/', httpOnly: true } })
    sessions.get('/', (req) => {
      const n = (req.session.get('n') ?? 0) + 1
      req.session.set('n', n)
      return { n }
    })
  },
  { prefix: '/session' },
)

app.post('/json-post', (req) => summarize(req.body))

await app.register(
  async (uploads) => {
    await uploads.register(fastifyMultipart, { limits: { fileSize: 20 * 1024 * 1024 } })
    // the file saved to a temporary file before the handler answers (removed after the response), as
    // Phial, Flask (Werkzeug spools large files) and koa-body (formidable) do
    uploads.post('/', async (req) => {
      const { files } = await req.saveRequestFiles()
      const file = files.find((f) => f.fieldname === 'file')
      return { size: file ? (await stat(file.filepath)).size : -1 }
    })
  },
  { prefix: '/upload' },
)

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
