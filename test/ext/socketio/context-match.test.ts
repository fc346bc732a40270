/**
 * The URL match of a context built per event (issue 17's performance work):
 * `app.requestContext` keeps its last match and reuses it for the same path
 * and method, so each event of a connection (and each connection: they share
 * the handshake's path) no longer matches the URL again. What a context sees
 * must be what a fresh match gives: endpoint, rule, viewArgs (its own copy),
 * blueprint and urlFor; a rule added later, a custom converter and domain
 * routing are honoured; no beforeRequest hook runs for an event.
 */
import { describe, expect, it } from 'vitest'
import { BaseConverter, Blueprint, Phial, request, urlFor } from 'phial'
import { SocketIO } from 'phial/socketio'
import { connect, serveForTests } from './helpers.ts'

function makeApp(): Phial {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'context-match', LOG_LEVEL: 'silent', TESTING: true })
  return app
}

const seen = () => ({
  endpoint: request.endpoint,
  rule: request.urlRule?.rule ?? null,
  viewArgs: request.viewArgs === null ? null : { ...request.viewArgs },
  blueprint: request.blueprint,
  url: urlFor('.item', { id: 3 }),
})

describe('app.requestContext, one path again and again', () => {
  it('gives every context the match a fresh one would, viewArgs its own copy', () => {
    const app = makeApp()
    const bp = new Blueprint('chat', { urlPrefix: '/chat' })
    bp.get('/item/<int:id>', function item() {
      return ''
    })
    app.register(bp)
    const init = { method: 'GET', url: '/chat/item/7?x=1', headers: { host: 'localhost' } }
    const first = app.requestContext(init, () => {
      const s = seen()
      ;(request.viewArgs as Record<string, unknown>).id = 'changed by a handler'
      return s
    })
    expect(first).toEqual({ endpoint: 'chat.item', rule: '/chat/item/<int:id>', viewArgs: { id: 7 }, blueprint: 'chat', url: '/chat/item/3' })
    for (let i = 0; i < 3; i++) {
      const again = app.requestContext(init, seen)
      expect(again).toEqual(first)
      const [a, b] = [app.requestContext(init, () => request.viewArgs), app.requestContext(init, () => request.viewArgs)]
      expect(a).toEqual({ id: 7 })
      expect(a).not.toBe(b)
    }
    // another init object with the same URL, then another path: both as matched
    expect(app.requestContext({ ...init }, seen)).toEqual(first)
    expect(app.requestContext({ ...init, url: '/chat/item/8' }, () => request.viewArgs)).toEqual({ id: 8 })
    expect(app.requestContext({ ...init, method: 'POST' }, () => request.endpoint)).toBeNull()
    expect(app.requestContext({ ...init, url: '/nothing' }, () => [request.endpoint, request.viewArgs])).toEqual([null, null])
    expect(app.requestContext(init, () => request.viewArgs)).toEqual({ id: 7 })
  })

  it('sees a rule added after the first context', () => {
    const app = makeApp()
    const init = { method: 'GET', url: '/socket.io/?EIO=4', headers: { host: 'localhost' } }
    expect(app.requestContext(init, () => request.endpoint)).toBeNull()
    expect(app.requestContext(init, () => request.endpoint)).toBeNull()
    app.get('/socket.io/', function sio() {
      return ''
    })
    expect(app.requestContext(init, () => request.endpoint)).toBe('sio')
    app.urlMap.mergeSlashes = false
    expect(app.requestContext(init, () => request.endpoint)).toBe('sio')
  })

  it('runs a custom converter for every context, as a new match does', () => {
    const app = makeApp()
    let calls = 0
    class Counted extends BaseConverter {
      override toValue(value: string): unknown {
        calls++
        return { value, call: calls }
      }
    }
    app.urlMap.converters.counted = Counted
    app.get('/r/<counted:thing>', function room() {
      return ''
    })
    const init = { method: 'GET', url: '/r/a', headers: { host: 'localhost' } }
    const values = [1, 2, 3].map(() => app.requestContext(init, () => request.viewArgs))
    expect(values).toEqual([1, 2, 3].map((call) => ({ thing: { value: 'a', call } })))
  })

  it('matches by the host under subdomain routing', () => {
    const app = new Phial(import.meta.url, { subdomainMatching: true })
    app.config.fromMapping({ SECRET_KEY: 'context-match', LOG_LEVEL: 'silent', TESTING: true, SERVER_NAME: 'example.com' })
    app.get('/', { subdomain: 'api' }, function api() {
      return ''
    })
    const at = (host: string) => app.requestContext({ method: 'GET', url: '/', headers: { host } }, () => request.endpoint)
    expect([at('api.example.com'), at('www.example.com'), at('api.example.com'), at('www.example.com')]).toEqual(['api', null, 'api', null])
  })
})

describe('events over a socket', () => {
  const app = makeApp()
  const hooks: string[] = []
  app.beforeRequest(() => {
    hooks.push('before')
  })
  app.get('/socket.io/', function handshakePage() {
    return ''
  })
  const socketio = new SocketIO(app)
  socketio.on('where', () => [request.endpoint, request.viewArgs, request.path])
  let base = ''
  serveForTests(app, socketio, (url) => (base = url))

  it('see the handshake path matched on every event, and run no beforeRequest hook', async () => {
    const { socket, error } = await connect(base, '/')
    expect(error).toBeNull()
    for (let i = 0; i < 3; i++) expect(await socket!.emitWithAck('where')).toEqual(['handshakePage', {}, '/socket.io/'])
    const other = await connect(base, '/')
    expect(await other.socket!.emitWithAck('where')).toEqual(['handshakePage', {}, '/socket.io/'])
    expect(hooks).toEqual([])
  })
})
