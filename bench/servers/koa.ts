/**
 * The benchmark app in Koa 3 with @koa/router and koa-body (JSON and
 * multipart through formidable). koa-session and koa-static are not installed
 * here: the session is a signed cookie through Koa's own `ctx.cookies`, and
 * the static scenarios are skipped for Koa. The Fortunes page renders with
 * Nunjucks directly.
 */
import { unlink } from 'node:fs/promises'
import Koa from 'koa'
import { Router } from '@koa/router'
import { koaBody } from 'koa-body'
import nunjucks from 'nunjucks'
import {
  EXTRA_ROUTES,
  FORTUNES,
  GITHUB_ROUTES,
  HELLO,
  PORT,
  SECRET,
  TEMPLATE_DIR,
  extraRoutes,
  summarize,
} from './shared.ts'

const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_DIR), { autoescape: true })
const app = new Koa()
app.keys = [SECRET]
const router = new Router()

router.get('/plaintext', (ctx) => {
  ctx.type = 'text/plain'
  ctx.body = HELLO
})
router.get('/json', (ctx) => {
  ctx.body = { message: HELLO }
})
router.get('/users/:id', (ctx, next) => {
  if (!/^\d+$/.test(ctx.params.id!)) return next()
  ctx.body = { id: Number(ctx.params.id) }
})
for (const route of [...GITHUB_ROUTES, ...extraRoutes(EXTRA_ROUTES)]) {
  router.get(route, (ctx) => {
    ctx.body = ctx.params
  })
}

router.get('/fortunes', (ctx) => {
  ctx.type = 'html'
  ctx.body = templates.render('fortunes.html', { fortunes: FORTUNES })
})

router.get('/session', (ctx) => {
  const raw = ctx.cookies.get('session', { signed: true })
  const n = ((raw ? (JSON.parse(raw) as { n?: number }).n : undefined) ?? 0) + 1
  ctx.cookies.set('session', JSON.stringify({ n }), { signed: true, httpOnly: true })
  ctx.body = { n }
})

router.post('/json-post', koaBody({ jsonLimit: '2mb' }), (ctx) => {
  ctx.body = summarize(ctx.request.body)
})

router.post('/upload', koaBody({ multipart: true, formidable: { maxFileSize: 20 * 1024 * 1024 } }), async (ctx) => {
  const file = ctx.request.files?.file
  const one = Array.isArray(file) ? file[0] : file
  ctx.body = { size: one?.size ?? -1 }
  if (one) await unlink(one.filepath)
})

const hooks = new Router({ prefix: '/hooks' })
for (let i = 1; i <= 5; i++) {
  hooks.use(async (ctx, next) => {
    ctx.state.hooks = i
    await next()
  })
}
hooks.get('/', (ctx) => {
  ctx.body = { hooks: ctx.state.hooks }
})

app.use(router.routes()).use(router.allowedMethods())
app.use(hooks.routes())
app.listen(PORT, '127.0.0.1')
