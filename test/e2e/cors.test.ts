/**
 * phial/cors in Chromium: real cross-origin fetch calls from a page on one
 * loopback port to an API on another — allowed, refused, credentialed, and a
 * preflighted PUT with a custom header. The API also runs Talisman, whose
 * Cross-Origin-Resource-Policy: same-origin must not get in the way of CORS.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, request, type RunningServer } from 'phial'
import { CORS, crossOrigin } from 'phial/cors'
import { Talisman } from 'phial/talisman'
import { browserMissing, launch, requireServices } from './browser.ts'

const missing = browserMissing()
if (missing && !requireServices) console.warn(`[skip] browser tests: ${missing}`)
const suite = missing && !requireServices ? describe.skip : describe

suite('phial/cors in Chromium', () => {
  let browser: Browser
  let page: Page
  let api: RunningServer
  let site: RunningServer
  const seen: string[] = []

  beforeAll(async () => {
    if (missing) throw new Error(`Browser tests are required here (PHIAL_REQUIRE_SERVICES=1) but ${missing}`)
    // the page's server: its origin is the one the API allows
    const siteApp = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    siteApp.config.LOG_LEVEL = 'silent'
    siteApp.get('/', function home() {
      return '<!doctype html><title>client</title><p>client page'
    })
    site = await siteApp.run({ port: 0, announce: false })
    const siteOrigin = new URL(site.url).origin

    const apiApp = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    apiApp.config.fromMapping({ LOG_LEVEL: 'silent', SECRET_KEY: 'e2e' })
    // plain HTTP on loopback: no HTTPS redirect; its other headers (CORP same-origin, CSP) stay on
    new Talisman(apiApp, { forceHttps: false })
    apiApp.beforeRequest(() => {
      seen.push(`${request.method} ${request.path}`)
    })
    new CORS(apiApp, {
      resources: {
        '/api/*': { origins: [siteOrigin], allowHeaders: ['Content-Type', 'X-Custom'], exposeHeaders: ['X-Total'], maxAge: 0 },
        '/private/*': { origins: ['https://somewhere-else.test'] },
        '/cred/*': { origins: [siteOrigin], supportsCredentials: true },
        '/nocred/*': { origins: [siteOrigin] },
      },
    })
    apiApp.get('/api/data', function data() {
      return [{ items: [1, 2, 3] }, 200, { 'X-Total': '3' }]
    })
    apiApp.route('/api/items/<int:id>', { methods: ['PUT'] }, function putItem({ id }) {
      return { id, custom: request.headers.get('x-custom'), body: request.json }
    })
    apiApp.get('/private/data', function privateData() {
      return { secret: true }
    })
    const login = function login() {
      return ['ok', 200, { 'Set-Cookie': 'token=t0k3n; Path=/; HttpOnly; SameSite=Lax' }] as [string, number, Record<string, string>]
    }
    const me = function me() {
      return { token: request.cookies.token ?? null }
    }
    apiApp.post('/cred/login', login)
    apiApp.get('/cred/me', me)
    apiApp.get('/nocred/me', function meNoCred() {
      return { token: request.cookies.token ?? null }
    })
    apiApp.get('/widget', crossOrigin({ origins: siteOrigin })(function widget() {
      return { widget: true }
    }))
    api = await apiApp.run({ port: 0, announce: false })

    browser = await launch()
    page = await browser.newPage()
    await page.goto(site.url)
  })

  afterAll(async () => {
    await browser?.close()
    await api?.close()
    await site?.close()
  })

  /** Runs fetch in the page; returns the JSON and a header, or the error's name. */
  const call = (url: string, init: RequestInit = {}) =>
    page.evaluate(
      async ([u, i]) => {
        try {
          const res = await fetch(u, i)
          return { status: res.status, body: await res.json(), total: res.headers.get('x-total') }
        } catch (err) {
          return { error: (err as Error).name }
        }
      },
      [url, init] as const,
    )

  it('allowed: a simple GET reads the JSON and an exposed header (through Talisman\'s CORP)', async () => {
    expect(await call(`${api.url}/api/data`)).toEqual({ status: 200, body: { items: [1, 2, 3] }, total: '3' })
    // the answer the browser read did carry Talisman's CORP
    const direct = await fetch(`${api.url}/api/data`, { headers: { Origin: site.url.replace(/\/$/, '') } })
    expect(direct.headers.get('cross-origin-resource-policy')).toBe('same-origin')
  })

  it('refused: an origin not in the list cannot read the response', async () => {
    expect(await call(`${api.url}/private/data`)).toEqual({ error: 'TypeError' })
  })

  it('preflighted PUT with a custom header: OPTIONS answered, then the PUT runs once', async () => {
    seen.length = 0
    const result = await call(`${api.url}/api/items/7`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Custom': 'hello' },
      body: JSON.stringify({ name: 'seven' }),
    })
    expect(result).toEqual({ status: 200, body: { id: 7, custom: 'hello', body: { name: 'seven' } }, total: null })
    expect(seen).toEqual(['OPTIONS /api/items/7', 'PUT /api/items/7'])
  })

  it('a preflight asking for a header that is not allowed fails before the PUT', async () => {
    seen.length = 0
    const result = await call(`${api.url}/api/items/7`, { method: 'PUT', headers: { 'X-Not-Allowed': '1' } })
    expect(result).toEqual({ error: 'TypeError' })
    expect(seen).toEqual(['OPTIONS /api/items/7'])
  })

  it('credentialed: cookies go both ways only where supportsCredentials is on', async () => {
    const loggedIn = await page.evaluate(async (u) => {
      const res = await fetch(`${u}/cred/login`, { method: 'POST', credentials: 'include' })
      return res.status
    }, api.url)
    expect(loggedIn).toBe(200)
    expect(await call(`${api.url}/cred/me`, { credentials: 'include' })).toEqual({ status: 200, body: { token: 't0k3n' }, total: null })
    // the cookie is sent, but without Allow-Credentials the browser hides the answer
    expect(await call(`${api.url}/nocred/me`, { credentials: 'include' })).toEqual({ error: 'TypeError' })
    // without credentials the cookie is not sent at all
    expect(await call(`${api.url}/nocred/me`)).toEqual({ status: 200, body: { token: null }, total: null })
  })

  it('a 404 under a covered path is readable by the allowed origin', async () => {
    const result = await page.evaluate(async (u) => (await fetch(`${u}/api/nothing-here`)).status, api.url)
    expect(result).toBe(404)
  })

  it('crossOrigin() on one view', async () => {
    expect(await call(`${api.url}/widget`)).toEqual({ status: 200, body: { widget: true }, total: null })
  })
})
