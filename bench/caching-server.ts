/**
 * The server of bench/caching.ts: one page rendered from a template (a table
 * of 200 rows, the work a real page does), served uncached and through
 * `cache.cached()` on the backend named by CACHE_TYPE.
 *
 *   PORT=8000 CACHE_TYPE=redis tsx --conditions=source bench/caching-server.ts
 */
import { createServer } from 'node:http'
// By path: bench/ is a package of its own, where 'phial' resolves only after `npm run bench` links it.
import { Phial, Response, renderTemplateString, toNodeHandler } from '../src/index.ts'
import { Cache } from '../src/ext/caching/index.ts'

const PORT = Number(process.env.PORT ?? 8000)
const app = new Phial(import.meta.url)
app.config.fromMapping({
  ACCESS_LOG: false,
  CACHE_TYPE: (process.env.CACHE_TYPE ?? 'simple') as 'simple',
  CACHE_REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  CACHE_KEY_PREFIX: `bench:caching:${process.pid}:`,
})
const cache = new Cache(app)

const ROWS = Array.from({ length: 200 }, (_, i) => ({ id: i, title: `Post number ${i}`, author: `author${i % 7}`, score: (i * 37) % 101 }))
const PAGE = `<table>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.title | title }}</td><td>{{ r.author }}</td><td>{{ "%03d" | format(r.score) }}</td></tr>{% endfor %}</table>`

function page(): Promise<string> {
  return renderTemplateString(PAGE, { rows: ROWS })
}

app.get('/plaintext', function plaintext() {
  return new Response('ok', { mimetype: 'text/plain' })
})
app.get('/uncached', function uncached() {
  return page()
})
app.get('/cached', cache.cached({ timeout: 3600 })(function cached() {
  return page()
}))

const server = createServer(toNodeHandler(app))
server.listen(PORT, '127.0.0.1', () => console.log(`listening on ${PORT}`))
const stop = (): void => {
  server.close()
  void cache.clear().finally(() => cache.close()).finally(() => process.exit(0))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
