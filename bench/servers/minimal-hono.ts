/**
 * The minimal tier in Hono 4 on @hono/node-server, as fastify/benchmarks
 * runs it. `BENCH_LOG=1` adds pino-http as the first middleware (through
 * the node-server bindings `c.env.incoming` / `c.env.outgoing`, one JSON
 * line per request on stdout).
 */
import { Hono } from 'hono'
import { serve, type HttpBindings } from '@hono/node-server'
import { pinoHttp } from 'pino-http'
import { GITHUB_ROUTES, HELLO, LOGGING, PORT } from './shared.ts'

const app = new Hono<{ Bindings: HttpBindings }>()
if (LOGGING) {
  const log = pinoHttp()
  app.use(async (c, next) => {
    log(c.env.incoming, c.env.outgoing)
    await next()
  })
}

app.get('/plaintext', (c) => c.text(HELLO))
app.get('/json', (c) => c.json({ message: HELLO }))
app.get('/users/:id{[0-9]+}', (c) => c.json({ id: Number(c.req.param('id')) }))
for (const route of GITHUB_ROUTES) app.get(route, (c) => c.json(c.req.param()))

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: PORT })
