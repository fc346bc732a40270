/**
 * Run by lazy-nunjucks.test.ts in a process of its own: what `import 'phial'`
 * loads, and safe strings made before Nunjucks loads. Prints JSON.
 */
import { createRequire } from 'node:module'
import { Markup, Phial, escape, htmlSafeJson, markSafe, renderTemplateString } from '../../src/index.ts'

const require = createRequire(import.meta.url)
const nunjucksMain = require.resolve('nunjucks')
const loaded = (): boolean => nunjucksMain in require.cache

const afterImport = loaded()
// made before Nunjucks is loaded
const markup = new Markup('<b>m</b>')
const escaped = escape('<i>')
const marked = markSafe('<u>s</u>')
const json = htmlSafeJson({ html: markup })
const afterMarkup = loaded()

const app = new Phial(import.meta.url, { name: 'lazy' })
app.get('/', function page() { return renderTemplateString('{{ m }} {{ e }} {{ s }} {{ raw }} {{ m|safe }} {{ m|escape }} {{ m|upper }} {{ m ~ "<x>" }}', {
  m: markup,
  e: escaped,
  s: marked,
  raw: '<r>',
}) })
const response = await app.testClient().get('/')
const nunjucks = require('nunjucks') as { runtime: { SafeString: new (v: string) => object } }

process.stdout.write(JSON.stringify({
  afterImport,
  afterMarkup,
  afterRender: loaded(),
  json,
  body: response.text,
  markupIsSafeString: markup instanceof nunjucks.runtime.SafeString,
  newMarkupIsSafeString: new Markup('x') instanceof nunjucks.runtime.SafeString,
  markSafeIsSafeString: marked instanceof nunjucks.runtime.SafeString,
  escapeOfNunjucksSafe: String(escape(new nunjucks.runtime.SafeString('<k>'))),
  markupOfNunjucksSafe: String(new Markup(new nunjucks.runtime.SafeString('<k>'))),
  length: markup.length,
}))
