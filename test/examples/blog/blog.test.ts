import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture
beforeEach(async () => {
  fx = await blogFixture()
})
afterEach(() => fx.cleanup())

describe('index', () => {
  it('lists posts for everyone, with edit links for the author', async () => {
    let res = await fx.client.get('/')
    expect(res.text).toContain('Log In')
    expect(res.text).toContain('Register')
    await fx.login()
    res = await fx.client.get('/')
    expect(res.text).toContain('Log Out')
    expect(res.text).toContain('test title')
    expect(res.text).toContain('by test on 2018-01-01')
    expect(res.text).toContain('test\nbody')
    expect(res.text).toContain('href="/1/update"')
  })

  it('escapes post bodies', async () => {
    await fx.login()
    await fx.client.post('/create', { form: { title: '<b>bold</b>', body: '<script>alert(1)</script>' } })
    const res = await fx.client.get('/')
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(res.text).not.toContain('<script>alert(1)</script>')
    expect(res.text).toContain('&lt;b&gt;bold&lt;/b&gt;')
  })
})

describe('login required', () => {
  it.each(['/create', '/1/update', '/1/delete'])('%s redirects to the login page', async (path) => {
    const res = await fx.client.post(path)
    expect(res.status).toBe(302)
    expect(res.location).toBe('/auth/login')
  })
})

describe('author required', () => {
  it('gives 403 to another user, and hides the edit link', async () => {
    await fx.query('UPDATE post SET author_id = 2 WHERE id = 1')
    await fx.login()
    expect((await fx.client.post('/1/update')).status).toBe(403)
    expect((await fx.client.post('/1/delete')).status).toBe(403)
    expect((await fx.client.get('/')).text).not.toContain('href="/1/update"')
  })

  it('a second user gets 403 on the first user\'s post', async () => {
    await fx.login('other', 'other')
    expect((await fx.client.get('/1/update')).status).toBe(403)
  })
})

describe('missing posts', () => {
  it.each(['/2/update', '/2/delete'])('%s is 404', async (path) => {
    await fx.login()
    expect((await fx.client.post(path)).status).toBe(404)
  })
})

describe('create, update, delete', () => {
  it('creates', async () => {
    await fx.login()
    expect((await fx.client.get('/create')).status).toBe(200)
    const res = await fx.client.post('/create', { form: { title: 'created', body: '' } })
    expect(res.location).toBe('/')
    const [row] = await fx.query<{ n: number }>('SELECT COUNT(id) AS n FROM post')
    expect(Number(row!.n)).toBe(2)
  })

  it('updates', async () => {
    await fx.login()
    expect((await fx.client.get('/1/update')).status).toBe(200)
    await fx.client.post('/1/update', { form: { title: 'updated', body: '' } })
    const [post] = await fx.query<{ title: string }>('SELECT * FROM post WHERE id = 1')
    expect(post!.title).toBe('updated')
  })

  it.each(['/create', '/1/update'])('%s validates the title', async (path) => {
    await fx.login()
    const res = await fx.client.post(path, { form: { title: '', body: '' } })
    expect(res.text).toContain('Title is required.')
  })

  it('deletes', async () => {
    await fx.login()
    const res = await fx.client.post('/1/delete')
    expect(res.location).toBe('/')
    expect(await fx.query('SELECT * FROM post WHERE id = 1')).toHaveLength(0)
  })
})
