/**
 * The minimal tier in Koa 3 with @koa/router, as fastify/benchmarks runs it
 * (koa-router). `BENCH_LOG=1` adds pino-http as the first middleware on
 * `ctx.req` / `ctx.res` (what koa-pino-logger does; one JSON line per
 * request on stdout).
 */
import Koa from 'koa'
import { Router } from '@koa/router'
import { pinoHttp } from 'pino-http'
import { GITHUB_ROUTES, HELLO, LOGGING, PORT } from './shared.ts'

const app = new Koa()
if (LOGGING) {
  const log = pinoHttp()
  app.use((ctx, next) => {
    log(ctx.req, ctx.res)
    return next()
  })
}
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
for (const route of GITHUB_ROUTES) {
  router.get(route, (ctx) => {
    ctx.body = ctx.params
  })
}

app.use(router.routes()).use(router.allowedMethods())
app.listen(PORT, '127.0.0.1')
