/**
 * phial/talisman in Chromium: the reference blog (examples/blog's createApp)
 * with Talisman's CSP on renders every page, and the whole register → post →
 * edit → delete flow runs, with no CSP violation reported by the browser.
 * Nonces: an inline script with the page's nonce runs, one without is blocked.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderTemplateString, type Phial, type RunningServer } from 'phial'
import { DEFAULT_CSP_POLICY, Talisman, type TalismanOptions } from 'phial/talisman'
import { createApp } from '../../examples/blog/app.ts'
import { initDb } from '../../examples/blog/db.ts'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && !requireServices) console.warn(`[skip] browser tests: ${missing}`)
const suite = missing && !requireServices ? describe.skip : describe

/** What the browser reported while a page was open. */
interface Reports {
  violations: string[]
  console: string[]
  csp: Array<string | null>
}

/** The blog with Talisman, served on a loopback port, and a page that records CSP reports. */
async function start(browser: Browser, dir: string, name: string, options: TalismanOptions, extra?: (app: Phial) => void) {
  const database = join(dir, `${name}.sqlite`)
  await initDb(database)
  const app = createApp({ DATABASE: database, SECRET_KEY: `e2e-${name}`, LOG_LEVEL: 'silent' })
  // plain HTTP on loopback: no redirect to an HTTPS port that is not there (the redirect has its own tests)
  new Talisman(app, { forceHttps: false, ...options })
  extra?.(app)
  const server = await app.run({ port: 0, announce: false })
  const page = await browser.newPage()
  const reports: Reports = { violations: [], console: [], csp: [] }
  await page.exposeFunction('__reportViolation', (text: string) => void reports.violations.push(text))
  // a string, as it runs in the page (this project's TypeScript has no DOM types)
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (e) => " +
      "window.__reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample))",
  })
  page.on('console', (msg) => void reports.console.push(`${msg.type()}: ${msg.text()}`))
  page.on('pageerror', (err) => void reports.console.push(`pageerror: ${err.message}`))
  page.on('response', (res) => {
    if (res.request().resourceType() === 'document') reports.csp.push(res.headers()['content-security-policy'] ?? null)
  })
  return { app, server, page, reports }
}

suite('the blog in Chromium with Talisman', () => {
  let browser: Browser
  let dir: string
  const servers: RunningServer[] = []

  beforeAll(async () => {
    if (missing) throw new Error(`Browser tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
    dir = mkdtempSync(join(tmpdir(), 'phial-e2e-talisman-'))
    browser = await launch()
  })

  afterAll(async () => {
    await browser?.close()
    for (const s of servers) await s.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  async function registerAndLogIn(page: Page, url: string): Promise<void> {
    await page.goto(url + '/auth/register')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wonderland')
    await page.click('input[type=submit]')
    await page.waitForURL('**/auth/login')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wonderland')
    await page.click('input[type=submit]')
    await page.waitForURL(url + '/')
    expect(await page.textContent('nav')).toContain('alice')
  }

  // update.html has onclick="return confirm('Are you sure?');": the default script-src-attr 'none'
  // blocks it, so the blog's policy allows exactly that handler by its hash ('unsafe-hashes')
  const handlerHash = `'sha256-${createHash('sha256').update("return confirm('Are you sure?');").digest('base64')}'`
  const blogPolicy: TalismanOptions = {
    contentSecurityPolicy: { ...DEFAULT_CSP_POLICY, 'script-src-attr': ["'unsafe-hashes'", handlerHash] },
  }

  it("renders every page and runs the whole flow with the blog's CSP on and no violation", async () => {
    const { server, page, reports } = await start(browser, dir, 'blog', blogPolicy)
    servers.push(server)
    await page.goto(server.url + '/')
    // the stylesheet is allowed by style-src 'self' and applied
    expect(await page.evaluate("getComputedStyle(document.querySelector('nav')).display")).toBe('flex')
    await registerAndLogIn(page, server.url)
    await page.click('text=New')
    await page.fill('#title', 'Down the rabbit hole')
    await page.fill('#body', 'Alice was beginning to get very tired <of sitting>.')
    await page.click('input[type=submit]')
    await page.waitForURL(server.url + '/')
    await page.click('.post >> text=Edit')
    await page.fill('#title', 'Down the Rabbit-Hole')
    await page.click('input[value=Save]')
    await page.waitForURL(server.url + '/')
    expect(await page.textContent('.post h1')).toBe('Down the Rabbit-Hole')
    await page.click('.post >> text=Edit')
    let asked = ''
    page.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.accept()
    })
    await page.click('input[value=Delete]')
    await page.waitForURL(server.url + '/')
    expect(asked).toBe('Are you sure?')
    expect(await page.locator('.post').count()).toBe(0)
    await page.goto(server.url + '/auth/login')
    await page.fill('#username', 'alice')
    await page.fill('#password', 'wrong')
    await page.click('input[type=submit]')
    expect(await page.textContent('.flash')).toBe('Incorrect password.')
    await page.goto(server.url + '/nowhere')

    expect(reports.csp.length).toBeGreaterThanOrEqual(10)
    for (const header of reports.csp) expect(header).toContain(`script-src-attr 'unsafe-hashes' ${handlerHash}`)
    expect(reports.violations).toEqual([])
    expect(reports.console.filter((line) => /Content.Security.Policy|Refused to/i.test(line))).toEqual([])
  })

  it('with the pure defaults, every page is clean, the edit page too: its delete confirm is a static script', async () => {
    // examples/blog moved the inline onclick into static/confirm.js (issue 18), so no hash is needed
    const { server, page, reports } = await start(browser, dir, 'defaults', {})
    servers.push(server)
    await registerAndLogIn(page, server.url)
    await page.click('text=New')
    await page.fill('#title', 'A post')
    await page.click('input[type=submit]')
    await page.waitForURL(server.url + '/')
    await page.click('.post >> text=Edit')
    await page.waitForURL('**/1/update')
    let asked = ''
    page.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.accept()
    })
    await page.click('input[value=Delete]')
    await page.waitForURL(server.url + '/')
    expect(asked).toBe('Are you sure?')
    expect(await page.locator('.post').count()).toBe(0)
    expect(reports.violations).toEqual([])
  })

  it('an inline script with csp_nonce() runs; one without the nonce is blocked and reported', async () => {
    const { server, page, reports } = await start(browser, dir, 'nonce', {}, (app) => {
      app.get('/nonce', function noncePage() {
        return renderTemplateString(
          '<!doctype html><title>n</title>' +
            '<script nonce="{{ csp_nonce() }}">document.title = "nonce ran"</script>' +
            '<script>document.title = "unsafe ran"</script>',
        )
      })
    })
    servers.push(server)
    await page.goto(server.url + '/nonce')
    await page.waitForFunction("document.readyState === 'complete'")
    expect(await page.title()).toBe('nonce ran')
    await expect.poll(() => reports.violations.length).toBe(1)
    expect(reports.violations[0]).toMatch(/^script-src(-elem)? inline/)
  })
})
