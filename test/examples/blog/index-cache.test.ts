/**
 * Issue 16 item 6: the index's list of posts is a cached fragment for
 * visitors who are not logged in ({% cache %} on phial/caching), made stale
 * when a post is created, edited or deleted; logged-in users get it live
 * (their Edit links and CSRF tokens are their own).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cache } from '../../../examples/blog/cache.ts'
import { INDEX_GENERATION_KEY } from '../../../examples/blog/blog.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

describe('the cached index fragment', () => {
  it('serves visitors the cached list until a post changes; logged-in users see it live', async () => {
    fx = await blogFixture()
    const visitor = fx.app.testClient()
    expect((await visitor.get('/')).text).toContain('test title')
    // a change behind the app's back: the visitor still gets the cached fragment
    await fx.query(`UPDATE post SET title = 'changed quietly'`)
    expect((await visitor.get('/')).text).toContain('test title')
    expect((await visitor.get('/')).text).not.toContain('changed quietly')
    // another page size is another fragment
    expect((await visitor.get('/?per_page=5')).text).toContain('changed quietly')
    await fx.login()
    const live = await fx.client.get('/')
    expect(live.text).toContain('changed quietly')
    expect(live.text).toContain('href="/1/update"')

    // creating a post makes every cached page stale
    expect((await fx.client.post('/create', { form: { title: 'brand new', body: 'b' } })).status).toBe(302)
    let page = (await visitor.get('/')).text
    expect(page).toContain('brand new')
    expect(page).toContain('changed quietly')
    expect(page).not.toContain('href="/1/update"')

    // and so does editing one
    expect((await fx.client.post('/1/update', { form: { title: 'edited', body: 'b' } })).status).toBe(302)
    expect((await visitor.get('/')).text).toContain('edited')

    // and deleting one
    expect((await fx.client.post('/1/delete')).status).toBe(302)
    page = (await visitor.get('/')).text
    expect(page).not.toContain('edited')
    expect(page).toContain('brand new')
    expect(await fx.app.appContext(() => cache.get(INDEX_GENERATION_KEY))).toBe(3)
  })
})
