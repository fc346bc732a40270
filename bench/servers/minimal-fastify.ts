/**
 * The minimal tier in Fastify 5, as fastify/benchmarks runs it: no plugins,
 * a response schema on the JSON routes (and a params schema on the int
 * route). `BENCH_LOG=1` turns on `logger: true` (pino on stdout: an
 * "incoming request" and a "request completed" line per request); otherwise
 * `logger: false`, the default.
 */
import Fastify from 'fastify'
import { GITHUB_ROUTES, HELLO, LOGGING, PORT } from './shared.ts'

const app = Fastify({ logger: LOGGING })

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

for (const route of GITHUB_ROUTES) app.get(route, (req) => req.params)

await app.listen({ host: '127.0.0.1', port: PORT })
