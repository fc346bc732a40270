/**
 * The reference app in a real browser: register, log in, create, edit and
 * delete a post, log out, a flashed error, and a screenshot of the index.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/index.ts'
import { createApp } from '../../examples/blog/app.ts'
import { db, initDb, sqliteUrl } from '../../examples/blog/db.ts'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && !requireServices) console.warn(`[skip] browser tests: ${missing}`)
const suite = missing && !requireServices ? describe.skip : describe

export const ARTIFACTS = join(process.cwd(), 'test-results')

suite('the blog in Chromium', () => {
  let browser: Browser
  let server: RunningServer
  let page: Page
  let dir: string
  let app: ReturnType<typeof createApp> | undefined

  beforeAll(async () => {
    if (missing) throw new Error(`Browser tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
    dir = mkdtempSync(join(tmpdir(), 'phial-e2e-'))
    const database = join(dir, 'blog.sqlite')
    await initDb(database)
    app = createApp({ DATABASE_URL: sqliteUrl(database), SECRET_KEY: 'e2e', LOG_LEVEL: 'silent' })
    server = await app.run({ port: 0, announce: false })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (app) await db.close(app)
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const go = (path: string) => page.goto(server.url + path)

  it('registers and logs in', async () => {
    await go('/')
    await page.click('text=Register')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wonderland')
    await page.click('input[type=submit]')
    await page.waitForURL('**/auth/login')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wonderland')
    await page.click('input[type=submit]')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('nav')).toContain('alice')
  })

  it('creates, edits and deletes a post', async () => {
    await page.click('text=New')
    await page.fill('#title', 'Down the rabbit hole')
    await page.fill('#body', 'Alice was beginning to get very tired <of sitting>.')
    await page.click('input[type=submit]')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('.post h1')).toBe('Down the rabbit hole')
    expect(await page.textContent('.post .body')).toContain('<of sitting>')

    await page.click('.post >> text=Edit')
    await page.fill('#title', 'Down the Rabbit-Hole')
    await page.click('input[value=Save]')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('.post h1')).toBe('Down the Rabbit-Hole')

    await page.click('.post >> text=Edit')
    page.once('dialog', (dialog) => void dialog.accept())
    await page.click('input[value=Delete]')
    await page.waitForURL(server.url + '/')
    expect(await page.locator('.post').count()).toBe(0)
  })

  it('shows the index with posts (screenshot)', async () => {
    for (const [title, body] of [
      ['The Pool of Tears', 'Curiouser and curiouser!'],
      ['A Caucus-Race', 'Everybody has won, and all must have prizes.'],
    ]) {
      await go('/create')
      await page.fill('#title', title!)
      await page.fill('#body', body!)
      await page.click('input[type=submit]')
      await page.waitForURL(server.url + '/')
    }
    expect(await page.locator('.post').count()).toBe(2)
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'blog-index.png'), fullPage: true })
  })

  it('logs out, and flashes an error on a bad login', async () => {
    await page.click('text=Log Out')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('nav')).toContain('Log In')
    await go('/auth/login')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wrong')
    await page.click('input[type=submit]')
    expect(await page.textContent('.flash')).toBe('Incorrect password.')
  })
})
