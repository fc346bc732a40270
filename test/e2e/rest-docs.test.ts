/**
 * The todo API's docs page in Chromium: Swagger UI renders every operation
 * from /openapi.json, "Try it out" calls the API, and no request leaves
 * the app (the page works offline). Saves docs/img/rest-docs.png.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from 'phial'
import { createApp } from '../../examples/todo-api/app.ts'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && !requireServices) console.warn(`[skip] browser tests: ${missing}`)
const suite = missing && !requireServices ? describe.skip : describe

suite('the todo API docs page in Chromium', () => {
  let browser: Browser
  let server: RunningServer
  let page: Page
  const requested: string[] = []

  beforeAll(async () => {
    if (missing) throw new Error(`Browser tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
    const app = createApp({ LOG_LEVEL: 'silent' })
    server = await app.run({ host: '127.0.0.1', port: 0, announce: false })
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } })
    page.on('request', (r) => requested.push(r.url()))
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('renders the operations of the document', async () => {
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url + '/docs')
    await page.waitForSelector('.opblock-summary', { timeout: 15_000 })
    expect(await page.textContent('.title')).toContain('Todo API')
    const operations = await page.$$eval('.opblock-summary', (nodes) =>
      nodes.map((n) => `${n.querySelector('.opblock-summary-method')?.textContent} ${n.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    )
    expect(operations.sort()).toEqual(['DELETE /todos/{todoId}', 'GET /todos', 'GET /todos/{todoId}', 'POST /todos', 'PUT /todos/{todoId}'])
    expect(errors).toEqual([])
  })

  it('calls the API with "Try it out"', async () => {
    const block = page.locator('.opblock-get', { hasText: 'List todos' }).first()
    await block.locator('.opblock-summary').click()
    await block.locator('button.try-out__btn').click()
    await block.locator('button.execute').click()
    await block.locator('.live-responses-table tbody .response-col_status').first().waitFor({ timeout: 10_000 })
    const status = (await block.locator('.live-responses-table tbody .response-col_status').first().textContent())?.trim()
    expect(status).toBe('200')
    expect(await block.locator('.live-responses-table').textContent()).toContain('build an API')
    await block.locator('.opblock-summary').click()
  })

  it('makes no request outside the app, and saves a screenshot', async () => {
    const outside = requested.filter((url) => !url.startsWith(server.url) && !url.startsWith('data:'))
    expect(outside).toEqual([])
    expect(requested.some((url) => url.endsWith('/openapi.json'))).toBe(true)
    await page.goto(server.url + '/docs')
    await page.waitForSelector('.opblock-summary')
    await page.screenshot({ path: join(process.cwd(), 'docs/img/rest-docs.png'), fullPage: true })
  })
})
