/**
 * A permanent session with SESSION_REFRESH_EACH_REQUEST (the default) is
 * sent again on every request, also one whose view never touches the
 * session, so its expiry slides as in Flask. Ports tests/test_basic.py
 * test_session_refresh_each_request (`permanent` / `not permanent`).
 */
import { describe, expect, it } from 'vitest'
import { session } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

function app(refresh: boolean) {
  const a = makeApp()
  a.config.SECRET_KEY = 'test key'
  a.config.SESSION_REFRESH_EACH_REQUEST = refresh
  a.get('/', function index() { session.set('a', 1); session.permanent = true; return '' })
  a.get('/modify', function modify() { session.set('b', 2); return '' })
  a.get('/untouched', function untouched() { return '' })
  return a
}

describe('test_session_refresh_each_request', () => {
  it('on: a permanent session is refreshed on every request, touched or not', async () => {
    const client = app(true).testClient()
    expect((await client.get('/')).headers.getSetCookie()).toHaveLength(1)
    expect((await client.get('/modify')).headers.getSetCookie()).toHaveLength(1)
    const rv = await client.get('/untouched')
    expect(rv.headers.getSetCookie()).toHaveLength(1)
    expect(rv.headers.getSetCookie()[0]).toMatch(/Expires=/)
  })

  it('off: only a modified session is sent', async () => {
    const client = app(false).testClient()
    expect((await client.get('/')).headers.getSetCookie()).toHaveLength(1)
    expect((await client.get('/modify')).headers.getSetCookie()).toHaveLength(1)
    expect((await client.get('/untouched')).headers.getSetCookie()).toHaveLength(0)
  })
})
