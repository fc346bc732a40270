/**
 * The reference app in a real browser: register, log in with "remember me",
 * create, edit and delete a post (the confirm comes from static/confirm.js),
 * the login surviving a browser restart, a 403 for a user who is not the
 * author, an admin (promoted with the CLI) deleting another's post, log out,
 * a flashed error, and screenshots of the index (as its author, and as an
 * admin: docs/img/blog-index.png and blog-admin.png are copies).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/index.ts'
import { createApp } from '../../examples/blog/app.ts'
import { db, initDb, sqliteUrl } from '../../examples/blog/db.ts'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && !requireServices) console.warn(`[skip] browser tests: ${missing}`)
const suite = missing && !requireServices ? describe.skip : describe

export const ARTIFACTS = join(process.cwd(), 'test-results')

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>

suite('the blog in Chromium', () => {
  let browser: Browser
  let server: RunningServer
  let context: BrowserContext
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
    context = await browser.newContext({ viewport: { width: 1000, height: 800 } })
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (app) await db.close(app)
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const go = (path: string) => page.goto(server.url + path)

  async function register(on: Page, username: string, password: string): Promise<void> {
    await on.goto(server.url + '/')
    await on.click('text=Register')
    await on.fill('#username', username)
    await on.fill('#password', password)
    await on.click('input[type=submit]')
    await on.waitForURL('**/auth/login')
  }

  async function logIn(on: Page, username: string, password: string, remember: boolean): Promise<void> {
    await on.fill('#username', username)
    await on.fill('#password', password)
    if (remember) await on.check('#remember')
    await on.click('input[type=submit]')
    await on.waitForURL(server.url + '/')
    expect(await on.textContent('nav')).toContain(username)
  }

  /** What a browser keeps across a restart: its storage, minus the cookies that end with the browser session. */
  async function restartState(of: BrowserContext): Promise<StorageState> {
    const state = await of.storageState()
    return { ...state, cookies: state.cookies.filter((cookie) => cookie.expires > 0) }
  }

  it('registers, and shows per-field errors', async () => {
    await go('/auth/register')
    await page.click('input[type=submit]')
    // the browser's own check stops an empty required field; the server's shows a blank one
    await page.fill('#username', '   ')
    await page.fill('#password', 'x')
    await page.click('input[type=submit]')
    expect(await page.textContent('#username-error')).toBe('Username is required.')
    expect(await page.getAttribute('#username', 'aria-invalid')).toBe('true')
    await register(page, 'alice', 'wonderland')
  })

  it('logs in with "remember me"', async () => {
    await logIn(page, 'alice', 'wonderland', true)
    const cookies = await context.cookies()
    expect(cookies.find((c) => c.name === 'session')?.expires).toBe(-1)
    const remember = cookies.find((c) => c.name === 'remember_token')
    expect(remember?.httpOnly).toBe(true)
    expect(remember!.expires * 1000).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000)
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

    // static/confirm.js asks; dismissing keeps the post
    await page.click('.post >> text=Edit')
    let asked = ''
    page.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.dismiss()
    })
    await page.click('input[value=Delete]')
    expect(asked).toBe('Are you sure?')
    expect(page.url()).toMatch(/\/1\/update$/)
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

  it('is still logged in after a browser restart (the remember-me cookie)', async () => {
    const state = await restartState(context)
    expect(state.cookies.map((c) => c.name)).toEqual(['remember_token'])
    await context.close()
    context = await browser.newContext({ viewport: { width: 1000, height: 800 }, storageState: state })
    page = await context.newPage()
    await go('/')
    expect(await page.textContent('nav')).toContain('alice')
    expect(await page.locator('.post >> text=Edit').count()).toBe(2)
    await go('/create')
    expect(await page.textContent('h1 >> nth=1')).toBe('New Post')
  })

  it('without "remember me", a browser restart logs out', async () => {
    const other = await browser.newContext()
    const tab = await other.newPage()
    await tab.goto(server.url + '/auth/login')
    await logIn(tab, 'alice', 'wonderland', false)
    const state = await restartState(other)
    expect(state.cookies).toEqual([])
    await other.close()
    const restarted = await browser.newContext({ storageState: state })
    const again = await restarted.newPage()
    await again.goto(server.url + '/create')
    await again.waitForURL('**/auth/login?next=%2Fcreate')
    expect(await again.textContent('.flash')).toBe('Please log in to access this page.')
    await restarted.close()
  })

  it("gives another user a 403 on alice's post, and an admin may delete it", async () => {
    const bobs = await browser.newContext()
    const bob = await bobs.newPage()
    await register(bob, 'bob', 'builder')
    await logIn(bob, 'bob', 'builder', false)
    expect(await bob.locator('.post >> text=Edit').count()).toBe(0)
    expect(await bob.locator('.post input[value=Delete]').count()).toBe(0)
    // post 1 was deleted above; 2 and 3 are alice's
    const forbidden = await bob.goto(server.url + '/2/update')
    expect(forbidden?.status()).toBe(403)
    expect(await bob.textContent('h1')).toBe('Forbidden')

    const promoted = await app!.testCliRunner().invoke(['promote', 'bob'])
    expect(promoted.output).toBe('bob is now an admin.\n')
    await bob.goto(server.url + '/')
    expect(await bob.locator('.post input[value=Delete]').count()).toBe(2)
    await bob.setViewportSize({ width: 1000, height: 500 })
    await bob.screenshot({ path: join(ARTIFACTS, 'blog-admin.png'), fullPage: true })
    let asked = ''
    bob.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.accept()
    })
    await bob.click('.post:has-text("A Caucus-Race") >> input[value=Delete]')
    await bob.waitForURL(server.url + '/')
    expect(asked).toBe('Delete this post by alice?')
    expect(await bob.locator('.post').count()).toBe(1)
    expect(await bob.textContent('.post h1')).toBe('The Pool of Tears')
    // an admin may delete, not edit
    expect((await bob.goto(server.url + '/2/update'))?.status()).toBe(403)
    await bobs.close()
  })

  it('logs out, and flashes an error on a bad login', async () => {
    await go('/')
    await page.click('text=Log Out')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('nav')).toContain('Log In')
    expect((await context.cookies()).map((c) => c.name)).not.toContain('remember_token')
    await go('/auth/login')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wrong')
    await page.click('input[type=submit]')
    expect(await page.textContent('.flash')).toBe('Incorrect password.')
  })
})
