/**
 * The full-tier app in Express 5 with its built-in middleware (express.json,
 * express.static), the Express team's cookie-session and multer, and
 * Nunjucks' Express integration. Each middleware is mounted on the routes
 * that need it, as Express's docs show.
 */
import { unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import express from 'express'
import cookieSession from 'cookie-session'
import multer from 'multer'
import nunjucks from 'nunjucks'
import {
  EXTRA_ROUTES,
  FORTUNES,
  GITHUB_ROUTES,
  HELLO,
  PORT,
  SECRET,
  STATIC_DIR,
  TEMPLATE_DIR,
  extraRoutes,
  summarize,
} from './shared.ts'

const app = express()
nunjucks.configure(TEMPLATE_DIR, { autoescape: true, express: app })

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
for (const route of [...GITHUB_ROUTES, ...extraRoutes(EXTRA_ROUTES)]) {
  app.get(route, (req, res) => {
    res.json(req.params)
  })
}

app.get('/fortunes', (_req, res) => {
  res.render('fortunes.html', { fortunes: FORTUNES })
})

app.post('/json-post', express.json({ limit: '2mb' }), (req, res) => {
  res.json(summarize(req.body))
})

// the session as a signed cookie, like Flask's and Phial's
app.get('/session', cookieSession({ name: 'session', keys: [SECRET], httpOnly: true }), (req, res) => {
  const session = req.session!
  const n = ((session.n as number | undefined) ?? 0) + 1
  session.n = n
  res.json({ n })
})

// the file stored to a temporary file before the handler answers (removed after), as the others do
const uploads = multer({ dest: tmpdir(), limits: { fileSize: 20 * 1024 * 1024 } })
app.post('/upload', uploads.single('file'), async (req, res) => {
  res.json({ size: req.file?.size ?? -1 })
  if (req.file) await unlink(req.file.path)
})

const hooks = express.Router()
for (let i = 1; i <= 5; i++) {
  hooks.use((_req, res, next) => {
    res.locals.hooks = i
    next()
  })
}
hooks.get('/', (_req, res) => {
  res.json({ hooks: res.locals.hooks })
})
app.use('/hooks', hooks)

app.use('/static', express.static(STATIC_DIR))

app.listen(PORT, '127.0.0.1')
