/**
 * isSafeUrl / safeRedirect in the core (issue 18): `redirect(next)` follows
 * any target, as Flask's does; `safeRedirect(next, fallback)` keeps a
 * client-chosen target on this site. phial/login re-exports the same check.
 */
import { describe, expect, it } from 'vitest'
import { isSafeUrl, redirect, request, safeRedirect, urlFor } from '../../src/index.ts'
import { isSafeUrl as loginIsSafeUrl } from 'phial/login'
import { makeApp } from '../core/helpers.ts'

const OFF_SITE = ['//evil.example/', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'https:evil.example',
  'javascript:alert(1)', '\t//evil.example', '/\n/evil.example', 'https://user@app.example/', 'data:text/html,x', '']

describe('safeRedirect', () => {
  function app() {
    const a = makeApp()
    a.get('/', function index() { return 'home' })
    a.get('/go', function go() { return safeRedirect(request.args.get('next'), urlFor('index')) })
    a.get('/raw', function raw() { return redirect(request.args.get('next') ?? '/') })
    return a
  }

  it('follows a target on this site', async () => {
    const c = app().testClient()
    for (const next of ['/posts/1?x=2', 'posts', 'http://app.example/a']) {
      const res = await c.get('/go', { query: { next }, headers: { Host: 'app.example' } })
      expect([next, res.status, res.headers.get('location')]).toEqual([next, 302, next])
    }
  })

  it('falls back for an off-site or malformed target; redirect() alone would follow it', async () => {
    const c = app().testClient()
    for (const next of OFF_SITE) {
      const res = await c.get('/go', { query: { next }, headers: { Host: 'app.example' } })
      expect([next, res.headers.get('location')]).toEqual([next, '/'])
    }
    const raw = await c.get('/raw', { query: { next: '//evil.example/' } })
    expect(raw.headers.get('location')).toBe('//evil.example/')
    expect((await c.get('/go', { headers: { Host: 'app.example' } })).headers.get('location')).toBe('/')
  })

  it('isSafeUrl takes explicit options, SAFE_REDIRECT_HOSTS, and is the one login uses', async () => {
    expect(isSafeUrl('/a', { host: 'example.com' })).toBe(true)
    expect(isSafeUrl('http://example.com/a', { host: 'example.com', requireHttps: true })).toBe(false)
    expect(isSafeUrl('https://sso.example.com/', { host: 'example.com', allowedHosts: ['sso.example.com'] })).toBe(true)
    expect(loginIsSafeUrl).toBe(isSafeUrl)
    const a = app()
    a.config.SAFE_REDIRECT_HOSTS = ['sso.example.com']
    const res = await a.testClient().get('/go', { query: { next: 'https://sso.example.com/x' } })
    expect(res.headers.get('location')).toBe('https://sso.example.com/x')
  })
})
