/**
 * The full-tier app in Koa 3 with @koa/router, koa-body (JSON and multipart
 * through formidable), koa-session (the cookie store, signed with
 * `app.keys`) and koa-static behind koa-conditional-get + koa-etag (the Koa
 * way to answer 304), each on the routes that need it. The Fortunes page
 * renders with Nunjucks directly.
 */
import { unlink } from 'node:fs/promises'
import Koa from 'koa'
import { Router } from '@koa/router'
import compose from 'koa-compose'
import conditional from 'koa-conditional-get'
import etag from 'koa-etag'
import { koaBody } from 'koa-body'
import session from 'koa-session'
import serve from 'koa-static'
import nunjucks from 'nunjucks'
import {
  EXTRA_ROUTES,
  FIXTURES,
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

router.get('/session', session({ key: 'session', httpOnly: true, signed: true }, app), (ctx) => {
  const n = ((ctx.session!.n as number | undefined) ?? 0) + 1
  ctx.session!.n = n
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

// /static/<file> from the fixtures' static/ folder; the 304 middleware only there (koa-mount is not installed:
// the prefix test below is what it would do)
const statics = compose([conditional(), etag(), serve(FIXTURES)])
app.use((ctx, next) => (ctx.path.startsWith('/static/') ? statics(ctx, next) : next()))
app.use(router.routes()).use(router.allowedMethods())
app.use(hooks.routes())
app.listen(PORT, '127.0.0.1')
