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
  it.each(['/create', '/1/update', '/1/delete'])('%s redirects to the login page, with next', async (path) => {
    const res = await fx.client.post(path)
    expect(res.status).toBe(302)
    expect(res.location).toBe(`/auth/login?next=${encodeURIComponent(path)}`)
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

  it('a second user gets 403 on the first user\'s post, and it stays', async () => {
    await fx.login('other', 'other')
    expect((await fx.client.get('/1/update')).status).toBe(403)
    expect((await fx.client.post('/1/update', { form: { title: 'mine now', body: '' } })).status).toBe(403)
    expect((await fx.client.post('/1/delete')).status).toBe(403)
    expect(await fx.query('SELECT title FROM post WHERE id = 1')).toEqual([{ title: 'test title' }])
  })
})

describe('the admin role', () => {
  it('an admin may delete anyone\'s post, from the index, but not edit it', async () => {
    expect((await fx.cli('promote', 'other')).exitCode).toBe(0)
    await fx.login('other', 'other')
    const index = await fx.client.get('/')
    expect(index.text).toContain('action="/1/delete"')
    expect(index.text).toContain('data-confirm="Delete this post by test?"')
    expect(index.text).not.toContain('href="/1/update"')
    expect((await fx.client.get('/1/update')).status).toBe(403)
    const res = await fx.client.post('/1/delete')
    expect(res.status).toBe(302)
    expect(res.location).toBe('/')
    expect(await fx.query('SELECT * FROM post WHERE id = 1')).toHaveLength(0)
  })

  it('a user who is not an admin sees no delete button on others\' posts', async () => {
    await fx.login('other', 'other')
    expect((await fx.client.get('/')).text).not.toContain('action="/1/delete"')
  })

  it('the role takes effect on the next request of a logged-in user, and --revoke takes it away', async () => {
    await fx.login('other', 'other')
    expect((await fx.client.post('/1/delete')).status).toBe(403)
    await fx.cli('promote', 'other')
    await fx.cli('promote', 'other', '--revoke')
    expect((await fx.client.post('/1/delete')).status).toBe(403)
    await fx.cli('promote', 'other')
    expect((await fx.client.post('/1/delete')).status).toBe(302)
  })
})

describe('the promote command', () => {
  it('makes a user admin, and says so', async () => {
    const res = await fx.cli('promote', 'test')
    expect(res).toMatchObject({ exitCode: 0, output: 'test is now an admin.\n' })
    expect(await fx.query('SELECT username, role FROM "user" ORDER BY id')).toEqual([
      { username: 'test', role: 'admin' },
      { username: 'other', role: null },
    ])
    expect((await fx.cli('promote', 'test', '--revoke')).output).toBe('test is no longer an admin.\n')
    expect(await fx.query('SELECT role FROM "user" WHERE username = :u', { u: 'test' })).toEqual([{ role: null }])
  })

  it('refuses an unknown user, and a missing name', async () => {
    const unknown = await fx.cli('promote', 'nobody')
    expect(unknown.exitCode).toBe(1)
    expect(unknown.output).toContain("No user named 'nobody'.")
    const missing = await fx.cli('promote')
    expect(missing.exitCode).toBe(2)
    expect(missing.output).toMatch(/missing required argument 'username'/i)
    expect(await fx.query('SELECT role FROM "user" WHERE role IS NOT NULL')).toEqual([])
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

  it.each(['/create', '/1/update'])('%s validates the title: a 400, the error under the field, the body kept', async (path) => {
    await fx.login()
    const res = await fx.client.post(path, { form: { title: '  ', body: 'kept <body>' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('<p class="error" id="title-error">Title is required.</p>')
    expect(res.text).toContain('aria-describedby="title-error"')
    expect(res.text).toContain('>\r\nkept &lt;body&gt;</textarea>')
    const long = await fx.client.post(path, { form: { title: 't'.repeat(201), body: '' } })
    expect(long.status).toBe(400)
    expect(long.text).toContain('Title must be at most 200 characters.')
    const [row] = await fx.query<{ n: number }>('SELECT COUNT(id) AS n FROM post')
    expect(Number(row!.n)).toBe(1)
  })

  it('the update form shows the post, and the submitted values after an error', async () => {
    await fx.login()
    const page = await fx.client.get('/1/update')
    expect(page.text).toContain('value="test title"')
    const res = await fx.client.post('/1/update', { form: { title: '', body: 'new' } })
    expect(res.text).toContain('value=""')
    expect(res.text).toContain('>\r\nnew</textarea>')
  })

  it('asks before deleting with a static script, not an inline handler (a strict CSP allows it)', async () => {
    await fx.login()
    const page = await fx.client.get('/1/update')
    expect(page.text).toContain('data-confirm="Are you sure?"')
    expect(page.text).not.toMatch(/\son[a-z]+=/i)
    expect(page.text).toContain('<script src="/static/confirm.js" defer></script>')
    const script = await fx.client.get('/static/confirm.js')
    expect(script.status).toBe(200)
    expect(script.mimetype).toMatch(/javascript/)
    expect(script.text).toContain('dataset.confirm')
  })

  it('deletes', async () => {
    await fx.login()
    const res = await fx.client.post('/1/delete')
    expect(res.location).toBe('/')
    expect(await fx.query('SELECT * FROM post WHERE id = 1')).toHaveLength(0)
  })
})
