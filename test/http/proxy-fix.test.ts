/**
 * Each X-Forwarded-* header is trusted on its own (Werkzeug's ProxyFix):
 * `TRUST_PROXY: 1` believes only -For and -Proto; -Host, -Port and -Prefix
 * need their own counts, and a forwarded prefix must be a local path
 * (issue 18: `X-Forwarded-Prefix: //evil.example` made urlFor and the 308
 * redirects point off-site).
 */
import { describe, expect, it } from 'vitest'
import { urlFor, request } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

function proxiedApp(trust: unknown) {
  const app = makeApp()
  app.config.TRUST_PROXY = trust as never
  app.get('/where', function where() {
    return {
      url: urlFor('where', { _external: true }),
      path: urlFor('where'),
      host: request.host,
      scheme: request.scheme,
      remote: request.remoteAddr,
    }
  })
  app.get('/dir/', function dir() { return 'dir' })
  return app
}

const EVIL = {
  'X-Forwarded-For': '203.0.113.9',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'evil.example',
  'X-Forwarded-Port': '4444',
  'X-Forwarded-Prefix': '//evil.example',
}

describe('TRUST_PROXY per header', () => {
  it('TRUST_PROXY=1 believes -For and -Proto only', async () => {
    const c = proxiedApp(1).testClient()
    const res = await c.get('/where', { headers: { Host: 'app.example', ...EVIL } })
    expect(res.json).toEqual({
      url: 'https://app.example/where',
      path: '/where',
      host: 'app.example',
      scheme: 'https',
      remote: '203.0.113.9',
    })
    const redirect = await c.get('/dir', { headers: { Host: 'app.example', ...EVIL } })
    expect(redirect.status).toBe(308)
    expect(redirect.headers.get('location')).toBe('/dir/')
  })

  it('host, port and prefix counts are separate', async () => {
    const c = proxiedApp({ for: 1, proto: 1, host: 1, port: 1, prefix: 1 }).testClient()
    const headers = { Host: 'internal:8000', 'X-Forwarded-Host': 'example.com', 'X-Forwarded-Port': '8443', 'X-Forwarded-Prefix': '/blog' }
    const res = await c.get('/where', { headers })
    expect(res.json.url).toBe('http://example.com:8443/blog/where')
    expect(res.json.path).toBe('/blog/where')
  })

  it('a prefix that is not a local path is ignored, even when trusted', async () => {
    const c = proxiedApp({ prefix: 1 }).testClient()
    for (const prefix of ['//evil.example', '/\\evil.example', 'https://evil.example', 'evil', '/a//b', '/a\r\nx', '/a b']) {
      const res = await c.get('/where', { headers: { Host: 'app.example', 'X-Forwarded-Prefix': prefix } })
      expect([prefix, res.json.url]).toEqual([prefix, 'http://app.example/where'])
      const redirect = await c.get('/dir', { headers: { Host: 'app.example', 'X-Forwarded-Prefix': prefix } })
      expect([prefix, redirect.headers.get('location')]).toEqual([prefix, '/dir/'])
    }
    const ok = await c.get('/where', { headers: { Host: 'app.example', 'X-Forwarded-Prefix': '/blog/' } })
    expect(ok.json.url).toBe('http://app.example/blog/where')
  })

  it('a trusted host that is not a host name is ignored', async () => {
    const c = proxiedApp({ host: 1 }).testClient()
    const res = await c.get('/where', { headers: { Host: 'app.example', 'X-Forwarded-Host': 'evil.example/x?' } })
    expect(res.json.host).toBe('app.example')
  })

  it('counts pick the value the n-th proxy appended', async () => {
    const c = proxiedApp({ for: 2, proto: 0 }).testClient()
    const res = await c.get('/where', { headers: { Host: 'a.example', 'X-Forwarded-For': '1.1.1.1, 2.2.2.2, 3.3.3.3', 'X-Forwarded-Proto': 'https' } })
    expect([res.json.remote, res.json.scheme]).toEqual(['2.2.2.2', 'http'])
  })
})
