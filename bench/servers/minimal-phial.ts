/**
 * The minimal tier in Phial: plaintext, JSON, the int parameter and the
 * 100-route table, nothing else. Phial's defaults, with one switch:
 * `BENCH_LOG=1` keeps the default access log (one JSON line per request on
 * stdout), otherwise `ACCESS_LOG = false`, like the peers' loggers off.
 */
import { Phial, Response } from 'phial'
import { GITHUB_ROUTES, HELLO, LOGGING, PORT, toWerkzeug } from './shared.ts'

const app = new Phial(import.meta.url)
if (!LOGGING) app.config.ACCESS_LOG = false

app.get('/plaintext', function plaintext() {
  return new Response(HELLO, { mimetype: 'text/plain' })
})

app.get('/json', function json() {
  return { message: HELLO }
})

app.get('/users/<int:id>', function user({ id }) {
  return { id }
})

GITHUB_ROUTES.forEach((route, i) => {
  app.addUrlRule(toWerkzeug(route), `github${i}`, (args: Record<string, unknown>) => args)
})

await app.run({ host: '127.0.0.1', port: PORT, announce: false })
