/**
 * The minimal tier in Express 5, as fastify/benchmarks runs it (`etag` and
 * `x-powered-by` disabled). `BENCH_LOG=1` adds pino-http as the first
 * middleware (one JSON line per request on stdout), as Fastify's docs and
 * pino's suggest for Express.
 */
import express from 'express'
import { pinoHttp } from 'pino-http'
import { GITHUB_ROUTES, HELLO, LOGGING, PORT } from './shared.ts'

const app = express()
app.disable('etag')
app.disable('x-powered-by')
if (LOGGING) app.use(pinoHttp())

app.get('/plaintext', (_req, res) => {
  res.type('text/plain').send(HELLO)
})
app.get('/json', (_req, res) => {
  res.json({ message: HELLO })
})
app.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) return next()
  res.json({ id: Number(req.params.id) })
})
for (const route of GITHUB_ROUTES) {
  app.get(route, (req, res) => {
    res.json(req.params)
  })
}

app.listen(PORT, '127.0.0.1')
