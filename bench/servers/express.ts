/**
 * The benchmark app in Express 5 with its built-in middleware
 * (express.json, express.static) and Nunjucks' Express integration.
 * express-session and multer are not installed here: the session and upload
 * scenarios are skipped for Express (see bench/RESULTS.md).
 */
import express from 'express'
import nunjucks from 'nunjucks'
import {
  EXTRA_ROUTES,
  FORTUNES,
  GITHUB_ROUTES,
  HELLO,
  PORT,
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
