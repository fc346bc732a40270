import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'

const testApp = () => createApp({ TESTING: true, SECRET_KEY: 'test', LOG_LEVEL: 'silent' })

/** The CSRF token of the form on a page. */
function csrfToken(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('no csrf_token field on the page')
  return match[1]!
}

describe('pages', () => {
  it('shows the home page with its stylesheet', async () => {
    const client = testApp().testClient()
    const res = await client.get('/')
    expect(res.status).toBe(200)
    expect(res.text).toContain('<link rel="stylesheet" href="/static/style.css')
    expect((await client.get('/static/style.css')).status).toBe(200)
  })

  it('flashes the greeting once, escaped', async () => {
    const client = testApp().testClient()
    const token = csrfToken((await client.get('/')).text)
    const res = await client.post('/hello', { form: { name: '<b>Ada</b>', csrf_token: token }, followRedirects: true })
    expect(res.status).toBe(200)
    expect(res.text).toContain('Hello, &lt;b&gt;Ada&lt;/b&gt;!')
    expect((await client.get('/')).text).not.toContain('Hello, ')
  })

  it('asks again for an empty name', async () => {
    const client = testApp().testClient()
    const token = csrfToken((await client.get('/')).text)
    const res = await client.post('/hello', { form: { name: ' ', csrf_token: token }, followRedirects: true })
    expect(res.text).toContain('Please tell me your name.')
  })

  it('refuses a form without its CSRF token', async () => {
    const res = await testApp().testClient().post('/hello', { form: { name: 'Eve' } })
    expect(res.status).toBe(400)
  })
})
