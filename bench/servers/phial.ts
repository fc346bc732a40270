/**
 * The benchmark app in Phial, written as a Flask user would write it.
 */
import { Blueprint, Phial, Response, g, renderTemplate, request, session } from 'phial'
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
  toWerkzeug,
} from './shared.ts'

const app = new Phial(import.meta.url, { name: 'bench', staticFolder: STATIC_DIR, staticUrlPath: '/static', templateFolder: TEMPLATE_DIR })
app.config.SECRET_KEY = SECRET
// like the peers as they are run here (Fastify's logger is off by default, gunicorn keeps no access
// log by default): no access line per request. Everything else keeps Phial's defaults.
app.config.ACCESS_LOG = false

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

app.get('/session', function counter() {
  const n = ((session.get('n') as number | undefined) ?? 0) + 1
  session.set('n', n)
  return { n }
})

app.post('/json-post', function jsonPost() {
  return summarize(request.json)
})

app.post('/upload', function upload() {
  const file = request.files.get('file')
  return { size: file?.size ?? -1 }
})

const hooks = new Blueprint('hooks', import.meta.url, { urlPrefix: '/hooks' })
for (let i = 1; i <= 5; i++) {
  hooks.beforeRequest(() => {
    g.hooks = i
  })
}
hooks.get('/', function hooked() {
  return { hooks: g.hooks }
})
app.register(hooks)

app.get('/fortunes', function fortunes() {
  return renderTemplate('fortunes.html', { fortunes: FORTUNES })
})

extraRoutes(EXTRA_ROUTES).forEach((route, i) => {
  app.addUrlRule(toWerkzeug(route), `extra${i}`, (args: Record<string, unknown>) => args)
})

if (MODE === 'inprocess') {
  const client = app.testClient()
  await inProcessLoop(async () => {
    const res = await client.get('/json')
    if (res.status !== 200) throw new Error(`status ${res.status}`)
  })
} else {
  await app.run({ host: '127.0.0.1', port: PORT, announce: false })
}
