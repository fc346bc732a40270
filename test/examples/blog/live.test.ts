/**
 * The blog's live index (examples/blog/live.ts): a new post reaches every
 * open index page without a reload, and an `@mention` reaches only the
 * mentioned user's room. First through Socket.IO test clients carrying the
 * users' sessions, then in Chromium: two browser contexts logged in as two
 * users (and one visitor) on the index while one of them writes a post.
 * The page loads the Socket.IO client from the npm package.
 * Chromium absent: the browser part is skipped with the reason (failed
 * under PHIAL_REQUIRE_SERVICES=1).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireTestServer, type TestServerLease } from '../../../src/index.ts'
import { mentions, socketio } from '../../../examples/blog/live.ts'
import { browserMissing, launch, requireServices } from '../../e2e/browser.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

const CLIENT_JS = join(dirname(createRequire(import.meta.url).resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js')

describe('mentions', () => {
  it('finds distinct @names, not e-mail addresses, without trailing punctuation', () => {
    expect(mentions('hi @ada and @bob, and @ada again. Mail me at x@example.com or @carl.')).toEqual(['ada', 'bob', 'carl'])
    expect(mentions('no one')).toEqual([])
    expect(mentions(Array.from({ length: 30 }, (_, i) => `@u${i}`).join(' '))).toHaveLength(10)
  })
})

describe('the live index with Socket.IO test clients', () => {
  let blog: BlogFixture

  beforeAll(async () => {
    blog = await blogFixture()
  })
  afterAll(async () => {
    await socketio.close(blog.app)
    await blog.cleanup()
  })

  it("a new post goes to every page; its mention only to the mentioned user's room", async () => {
    const { app } = blog
    const asTest = app.testClient()
    await asTest.post('/auth/login', { form: { username: 'test', password: 'test' } })
    const testSio = await socketio.testClient(app, { client: asTest })
    const visitor = await socketio.testClient(app)
    expect(testSio.isConnected() && visitor.isConnected()).toBe(true)

    await blog.login('other', 'other')
    const res = await blog.client.post('/create', { form: { title: 'Live', body: 'Hello @test and @nobody' } })
    expect(res.status).toBe(302)

    const [post] = await visitor.waitFor('new_post')
    expect(post).toMatchObject({ title: 'Live', body: 'Hello @test and @nobody', author: 'other' })
    expect((await testSio.waitFor('new_post'))[0]).toEqual(post)
    expect((await testSio.waitFor('notification'))[0]).toMatchObject({ text: 'other mentioned you in “Live”' })
    await new Promise((r) => setTimeout(r, 100))
    expect(visitor.getReceived().map((e) => e.name)).toEqual([]) // no notification for a visitor

    // a post that mentions its own author tells no one
    await blog.client.post('/create', { form: { title: 'Me', body: 'note to @other' } })
    await testSio.waitFor('new_post')
    await new Promise((r) => setTimeout(r, 100))
    expect(testSio.getReceived().map((e) => e.name)).toEqual([])
    await testSio.disconnect()
    await visitor.disconnect()
  })
})

const missing = browserMissing()
if (missing && requireServices) throw new Error(`test/examples/blog/live.test.ts: Chromium is required (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
if (missing) console.warn(`test/examples/blog/live.test.ts: skipping the browser part: ${missing}`)

describe.skipIf(missing !== null)('the live index in Chromium', () => {
  let blog: BlogFixture
  let lease: TestServerLease
  let browser: Browser

  beforeAll(async () => {
    blog = await blogFixture()
    lease = await acquireTestServer(blog.app)
    browser = await launch()
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await socketio.close(blog.app)
    await lease?.release()
    await blog?.cleanup()
  })

  async function pageAs(user: string | null): Promise<Page> {
    const page = await (await browser.newContext()).newPage()
    if (user !== null) {
      await page.goto(`${lease.url}/auth/login`)
      await page.fill('#username', user)
      await page.fill('#password', user)
      await page.click('input[type=submit]')
      await page.waitForURL(`${lease.url}/`)
    } else {
      await page.goto(`${lease.url}/`)
    }
    await page.waitForSelector('body[data-live=connected]')
    return page
  }

  it('serves the Socket.IO client from the npm package', async () => {
    const res = await fetch(`${lease.url}/live/socket.io.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await res.text()).toBe(readFileSync(CLIENT_JS, 'utf8'))
  })

  it("two users' pages and a visitor's: the post appears on all without a reload, the mention only on test's", async () => {
    const testPage = await pageAs('test')
    const visitorPage = await pageAs(null)
    const otherPage = await pageAs('other')
    const loadsBefore = { test: 0, visitor: 0 }
    testPage.on('load', () => loadsBefore.test++)
    visitorPage.on('load', () => loadsBefore.visitor++)

    await otherPage.click('text=New')
    await otherPage.fill('#title', 'Straight from Chromium')
    await otherPage.fill('#body', 'Hello @test, <b>no markup</b>')
    await otherPage.click('input[type=submit]')
    await otherPage.waitForURL(`${lease.url}/`)

    for (const page of [testPage, visitorPage]) {
      const article = page.locator('[data-live-posts] article', { hasText: 'Straight from Chromium' })
      await article.waitFor()
      expect(await article.locator('.about').textContent()).toMatch(/^by other on \d{4}-\d{2}-\d{2}$/)
      expect(await article.locator('.body').textContent()).toBe('Hello @test, <b>no markup</b>') // as text
      expect(await article.locator('b').count()).toBe(0)
    }
    await testPage.locator('[data-live-notices] .notice', { hasText: 'other mentioned you in “Straight from Chromium”' }).waitFor()
    await new Promise((r) => setTimeout(r, 200))
    expect(await visitorPage.locator('[data-live-notices] .notice').count()).toBe(0)
    expect(await otherPage.locator('[data-live-notices] .notice').count()).toBe(0)
    expect(loadsBefore).toEqual({ test: 0, visitor: 0 }) // no reload
    // the author's own page came from the redirect: the post is in the list rendered by the server
    expect(await otherPage.locator('article.post', { hasText: 'Straight from Chromium' }).count()).toBe(1)
  }, 30_000)
})
