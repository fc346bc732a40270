import { describe, expect, it } from 'vitest'
import { Phial, renderTemplateString } from '../../src/index.ts'

describe('a tuple whose body is a promise', () => {
  it('is awaited, so [renderTemplate(...), 404] works in views and error handlers', async () => {
    const app = new Phial(import.meta.url, { staticFolder: null })
    app.config.LOG_LEVEL = 'silent'
    app.errorHandler(404, () => [renderTemplateString('<h1>{{ what }}</h1>', { what: 'Gone <away>' }), 404])
    app.get('/made', function made() {
      return [Promise.resolve({ ok: true }), 201]
    })
    const client = app.testClient()
    const missing = await client.get('/nope')
    expect(missing.status).toBe(404)
    expect(missing.text).toBe('<h1>Gone &lt;away&gt;</h1>')
    const made = await client.get('/made')
    expect(made.status).toBe(201)
    expect(made.json).toEqual({ ok: true })
  })
})
