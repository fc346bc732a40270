/**
 * Flask's response tuples from ported code: `return [body, { 'X-Test': 'test' }]`
 * and `[response, headers]` (Flask's `return body, headers`) are tuples; JSON
 * arrays stay JSON; what could be either is an error under DEBUG/TESTING.
 * Ports Flask's tests/test_basic.py test_response_types (its tuple forms;
 * list-of-pairs headers are not supported: an object or HeaderMap instead).
 */
import { describe, expect, it } from 'vitest'
import { HeaderMap, Markup, Response, jsonify, makeResponse } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe("Flask's test_response_types, the tuple forms", () => {
  const app = makeApp()
  app.get('/text_headers', function fromText() { return ['Hello', { 'X-Foo': 'Test', 'Content-Type': 'text/plain; charset=utf-8' }] })
  app.get('/text_status', function fromTextStatus() { return ['Hi, status!', 400] })
  app.get('/response_headers', function fromResponseHeaders() { return [new Response('Hello world', { status: 404, headers: { 'X-Foo': 'Baz' } }), { 'X-Foo': 'Bar', 'X-Bar': 'Foo' }] })
  app.get('/response_status', function fromResponseStatus() { return [new Response('Hello world'), 500] })
  app.get('/full_tuple', function fromFullTuple() { return ['Meh', 400, { 'X-Foo': 'Testing', 'Content-Type': 'text/plain; charset=utf-8' }] })
  app.get('/markup_headers', function fromMarkup() { return [new Markup('<b>hi</b>'), { foo: 'bar' }] })
  app.get('/dict_location', function fromDictLocation() { return [{ id: 7 }, { Location: '/items/7' }] })
  app.get('/jsonify_headers', function fromJsonify() { return [jsonify({ a: 1 }), { 'X-Total-Count': 3 }] })
  const client = app.testClient()

  it('[text, headers]', async () => {
    const rv = await client.get('/text_headers')
    expect([rv.status, rv.text, rv.headers.get('x-foo'), rv.headers.get('content-type')]).toEqual([200, 'Hello', 'Test', 'text/plain; charset=utf-8'])
  })

  it('[text, status]', async () => {
    const rv = await client.get('/text_status')
    expect([rv.status, rv.text, rv.mimetype]).toEqual([400, 'Hi, status!', 'text/html'])
  })

  it('[response, headers] replaces the headers it names', async () => {
    const rv = await client.get('/response_headers')
    expect([rv.status, rv.text, rv.headers.get('x-foo'), rv.headers.get('x-bar')]).toEqual([404, 'Hello world', 'Bar', 'Foo'])
  })

  it('[response, status]', async () => {
    const rv = await client.get('/response_status')
    expect([rv.status, rv.text]).toEqual([500, 'Hello world'])
  })

  it('[text, status, headers]', async () => {
    const rv = await client.get('/full_tuple')
    expect([rv.status, rv.text, rv.headers.get('x-foo'), rv.mimetype]).toEqual([400, 'Meh', 'Testing', 'text/plain'])
  })

  it('a body that is not a JSON value makes any object the headers', async () => {
    const rv = await client.get('/markup_headers')
    expect([rv.text, rv.headers.get('foo')]).toEqual(['<b>hi</b>', 'bar'])
  })

  it('a JSON body with one-word and numeric headers', async () => {
    const loc = await client.get('/dict_location')
    expect([loc.json, loc.headers.get('location')]).toEqual([{ id: 7 }, '/items/7'])
    const count = await client.get('/jsonify_headers')
    expect([count.json, count.headers.get('x-total-count')]).toEqual([{ a: 1 }, '3'])
  })
})

describe('JSON arrays stay JSON', () => {
  it.each([
    [[{ id: 1 }, { id: 2 }]],
    [[{ name: 'a' }, { name: 'b' }]],
    [['a', 'b']],
    [['a', { n: 1 }]],
    [[1, 2, 3]],
    [['x', 600]],
    [[]],
  ])('%j', async (value) => {
    const app = makeApp()
    app.config.TESTING = true
    app.get('/', function index() { return value })
    const rv = await app.testClient().get('/')
    expect([rv.status, rv.json]).toEqual([200, value])
  })
})

describe('an ambiguous array', () => {
  const ambiguous: unknown[][] = [['hello', { Foo: 'bar' }], [{ 'X-A': '1' }, { 'X-B': '2' }]]

  it.each(ambiguous)('is a clear error under TESTING and DEBUG: %j', async (...value) => {
    for (const key of ['TESTING', 'DEBUG'] as const) {
      const app = makeApp()
      app.config[key] = true
      app.config.PROPAGATE_EXCEPTIONS = true
      app.get('/', function ambiguousView() { return value })
      await expect(app.testClient().get('/')).rejects.toThrow(/'ambiguousView' returned a two-item array that could be a \[body, headers\] tuple or a JSON array.*new HeaderMap.*jsonify/)
    }
  })

  it.each(ambiguous)('is sent as JSON in production: %j', async (...value) => {
    const app = makeApp()
    app.get('/', function index() { return value })
    const rv = await app.testClient().get('/')
    expect([rv.status, rv.json]).toEqual([200, value])
  })

  it('either meaning can be said unambiguously', async () => {
    const app = makeApp()
    app.config.TESTING = true
    app.get('/h', function headers() { return ['hello', new HeaderMap({ Foo: 'bar' })] })
    app.get('/j', function json() { return jsonify(['hello', { Foo: 'bar' }]) })
    const client = app.testClient()
    const h = await client.get('/h')
    expect([h.text, h.headers.get('foo')]).toEqual(['hello', 'bar'])
    expect((await client.get('/j')).json).toEqual(['hello', { Foo: 'bar' }])
  })

  it('makeResponse(body, headers) is never ambiguous', () => {
    const res = makeResponse('hello', { Foo: 'bar' })
    expect([res.status, res.headers.get('foo')]).toEqual([200, 'bar'])
  })
})
