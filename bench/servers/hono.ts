/**
 * The benchmark app in Hono 4 on @hono/node-server, with Hono's own helpers
 * (serveStatic + etag, signed cookies for the session, parseBody for uploads).
 * Hono has no view plugin: the Fortunes page renders with Nunjucks directly.
 */
import { Hono } from 'hono'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { etag } from 'hono/etag'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
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

const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_DIR), { autoescape: true })
const app = new Hono<{ Variables: { hooks: number } }>()

app.get('/plaintext', (c) => c.text(HELLO))
app.get('/json', (c) => c.json({ message: HELLO }))
app.get('/users/:id{[0-9]+}', (c) => c.json({ id: Number(c.req.param('id')) }))
for (const route of [...GITHUB_ROUTES, ...extraRoutes(EXTRA_ROUTES)]) app.get(route, (c) => c.json(c.req.param()))

app.get('/fortunes', (c) => c.html(templates.render('fortunes.html', { fortunes: FORTUNES })))

app.get('/session', async (c) => {
  const raw = await getSignedCookie(c, SECRET, 'session')
  const n = ((raw ? (JSON.parse(raw) as { n?: number }).n : undefined) ?? 0) + 1
  await setSignedCookie(c, 'session', JSON.stringify({ n }), SECRET, { path: '/', httpOnly: true })
  return c.json({ n })
})

app.post('/json-post', async (c) => c.json(summarize(await c.req.json())))

app.post('/upload', async (c) => {
  const body = await c.req.parseBody()
  const file = body.file
  return c.json({ size: file instanceof File ? file.size : -1 })
})

for (let i = 1; i <= 5; i++) {
  app.use('/hooks/*', async (c, next) => {
    c.set('hooks', i)
    await next()
  })
}
app.get('/hooks/', (c) => c.json({ hooks: c.get('hooks') }))

// serveStatic sends Last-Modified but never 304; Hono's etag middleware adds conditional answers
app.use('/static/*', etag())
app.use('/static/*', serveStatic({ root: STATIC_DIR, rewriteRequestPath: (path) => path.replace(/^\/static/, '') }))

if (MODE === 'inprocess') {
  await inProcessLoop(async () => {
    const res = await app.request('/json')
    await res.text()
    if (res.status !== 200) throw new Error(`status ${res.status}`)
  })
} else {
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: PORT })
}
