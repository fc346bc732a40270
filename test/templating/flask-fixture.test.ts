/**
 * A small Flask app's Jinja templates (test/fixtures/flask_templates),
 * rendered by Phial and compared byte for byte with what Flask 3.1 and
 * Jinja 3.1 render for the same app (expected/, made by
 * render_with_flask.py from app.py). The templates are used exactly as
 * written for Flask.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { Phial, flash, g, redirect, renderTemplate, request, urlFor } from '../../src/index.ts'

const fixture = join(import.meta.dirname, '..', 'fixtures', 'flask_templates')
const expected = (name: string): string => readFileSync(join(fixture, 'expected', name), 'utf8')

const POSTS = [
  {
    id: 1,
    title: 'hello, world',
    author: 'ann',
    created: new Date(2024, 0, 5, 9, 30),
    body: 'The first post of this blog, about nothing in particular & more.',
    tags: ['intro', 'meta'],
    html: '<p>The <em>first</em> post.</p>',
    meta: { description: 'First post', keywords: 'intro, meta' },
  },
  {
    id: 2,
    title: 'templates <in> flask',
    author: 'bob',
    created: new Date(2024, 1, 29, 18, 0),
    body: 'Jinja is nice.',
    tags: [],
    html: '<p>Jinja is <strong>nice</strong>.</p>',
    meta: {},
  },
]

/** app.py, line for line. */
function createApp(): Phial {
  const app = new Phial(join(fixture, 'app.ts'))
  app.config.fromMapping({ SECRET_KEY: 'fixture', SITE_NAME: 'Flaskr <Blog>' })

  app.contextProcessor(() => ({ year: 2024 }))
  app.beforeRequest(() => {
    // g.user is typed by phial/login; this app keeps a plain object there, as app.py does
    ;(g as unknown as Record<string, unknown>).user = request.args.get('as') === 'ann' ? { name: 'Ann' } : null
  })

  app.get('/', function index() {
    return renderTemplate('index.html', { posts: POSTS })
  })
  app.get('/post/<int:post_id>', function post({ post_id }) {
    return renderTemplate('post.html', { post: POSTS[post_id - 1] })
  })
  app.route('/contact', { methods: ['GET', 'POST'] }, function contact() {
    if (request.method === 'POST') {
      const email = (request.form.get('email') ?? '').trim()
      if (!request.form.get('message')) {
        flash('Please write a message.', 'error')
        return renderTemplate('form.html')
      }
      flash(`Thanks, ${email}!`, 'success')
      flash('We reply within a day.', 'info')
      return redirect(urlFor('contact'))
    }
    return renderTemplate('form.html')
  })
  return app
}

describe("a Flask app's Jinja templates render in Phial as in Flask", () => {
  const pages: Array<[string, (client: ReturnType<Phial['testClient']>) => ReturnType<ReturnType<Phial['testClient']>['get']>]> = [
    ['index.html', (c) => c.get('/')],
    ['index_signed_in.html', (c) => c.get('/?as=ann')],
    ['post_1.html', (c) => c.get('/post/1')],
    ['post_2.html', (c) => c.get('/post/2')],
    ['contact.html', (c) => c.get('/contact')],
    ['contact_error.html', (c) => c.post('/contact', { form: { email: 'a@example.com', message: '' } })],
    ['contact_sent.html', (c) => c.post('/contact', { form: { email: 'a@example.com', message: 'Hi' }, followRedirects: true })],
  ]
  for (const [page, fetch] of pages) {
    test(page, async () => {
      const res = await fetch(createApp().testClient())
      expect(res.status).toBe(200)
      expect(res.text).toBe(expected(page))
    })
  }
})
