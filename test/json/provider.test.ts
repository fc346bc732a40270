/**
 * The JSON provider, `app.json` (issue 11 item 5): Flask's tests/test_json.py
 * ported. Of its 19 tests, 14 are here; the other five are about the request
 * side or Python-only API: test_bad_request_debug_message (request parsing,
 * tested in test/http), test_json_dump_to_file (no `json.dump` to a file
 * object in Phial: write `app.json.dumps(...)` with `fs`),
 * test_modified_url_encoding (gone from Flask 3), and the `**kwargs` /
 * `*args` forms of test_jsonify_dicts / test_jsonify_arrays (JS has one
 * value). Phial's choices are asserted where they differ: ISO dates by
 * default (`dates = 'http'` gives Flask's), insertion order and UTF-8 by
 * default (`sortKeys`, `ensureAscii` give Flask's).
 */
import { describe, expect, it } from 'vitest'
import { DefaultJSONProvider, JSONProvider, Markup, Phial, UUID, currentApp, jsonify, renderTemplateString, request } from 'phial'

function makeApp(config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ LOG_LEVEL: 'silent', ...config })
  return app
}

async function get(app: Phial, path = '/') {
  return app.testClient().get(path)
}

describe("Flask's test_json.py", () => {
  it('test_json_bad_requests: malformed JSON is a 400', async () => {
    const app = makeApp()
    app.post('/json', function returnJson() { return jsonify({ foo: String(request.getJson()) }) })
    expect((await app.testClient().post('/json', { data: 'malformed', contentType: 'application/json' })).status).toBe(400)
  })

  it('test_json_custom_mimetypes: application/x+json is JSON', async () => {
    const app = makeApp()
    app.post('/json', function returnJson() { return request.getJson() as string })
    expect((await app.testClient().post('/json', { data: '"foo"', contentType: 'application/x+json' })).text).toBe('foo')
  })

  it.each([
    [true, '"\\u2603"'],
    [false, '"\u2603"'],
  ])('test_json_as_unicode: ensureAscii %s', (ensureAscii, expected) => {
    const app = makeApp()
    ;(app.json as DefaultJSONProvider).ensureAscii = ensureAscii
    expect(app.json.dumps('\u2603')).toBe(expected)
  })

  it.each([0, -1, 1, 23, 3.14, 's', 'longer string', true, false, null])('test_jsonify_basic_types: %s', async (value) => {
    const app = makeApp()
    app.get('/', function basic() { return jsonify(value) })
    const rv = await get(app)
    expect(rv.headers.get('content-type')).toBe('application/json')
    expect(app.json.loads(rv.text)).toEqual(value)
  })

  it('test_jsonify_dicts and test_jsonify_arrays', async () => {
    const d = { a: 0, b: 23, c: 3.14, d: 't', e: 'Hi', f: true, g: false, h: ['test list', 10, false], i: { test: 'dict' } }
    const list = [0, 42, 3.14, 't', 'hello', true, false, ['test list', 2, false], { test: 'dict' }]
    const app = makeApp()
    app.get('/dict', function dict() { return jsonify(d) })
    app.get('/array', function array() { return jsonify(list) })
    app.get('/returned', function returned() { return d })
    for (const [url, want] of [['/dict', d], ['/array', list], ['/returned', d]] as const) {
      const rv = await get(app, url)
      expect(rv.headers.get('content-type')).toBe('application/json')
      expect(app.json.loads(rv.text)).toEqual(want)
    }
  })

  it("test_jsonify_datetime: ISO by default (Phial's choice), Flask's HTTP date with dates = 'http'", async () => {
    const value = new Date(Date.UTC(1973, 2, 11, 6, 30, 45))
    const app = makeApp()
    app.get('/', function index() { return jsonify({ value }) })
    expect((await get(app)).json).toEqual({ value: '1973-03-11T06:30:45.000Z' })
    ;(app.json as DefaultJSONProvider).dates = 'http'
    expect((await get(app)).json).toEqual({ value: 'Sun, 11 Mar 1973 06:30:45 GMT' })
  })

  it.each([['UTC', 0], ['PST', -8], ['KST', 9]] as const)('test_jsonify_aware_datetimes: %s is written in GMT', (_tz, hours) => {
    const provider = new DefaultJSONProvider({ debug: false })
    provider.dates = 'http'
    const sign = hours < 0 ? '-' : '+'
    const dt = new Date(`2017-01-01T12:34:56${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`)
    const gmt = new Date(Date.UTC(2017, 0, 1, 12 - hours, 34, 56))
    expect(provider.dumps(dt)).toBe(`"${gmt.toUTCString()}"`)
  })

  it('test_jsonify_uuid_types', async () => {
    const id = new UUID('deadbeef'.repeat(4))
    const app = makeApp()
    app.get('/uuid_test', function uuidTest() { return jsonify({ x: id }) })
    const x = ((await get(app, '/uuid_test')).json as { x: string }).x
    expect(x).toBe(String(id))
    expect(new UUID(x).equals(id)).toBe(true)
  })

  it('test_json_decimal: a bigint (the exact number JS has) is written as its decimal text', () => {
    expect(makeApp().json.dumps(12345678901234567890n)).toBe('"12345678901234567890"')
  })

  it('test_json_attr', async () => {
    const app = makeApp()
    app.post('/add', function add() { const j = request.getJson() as { a: number; b: number }; return String(j.a + j.b) })
    const rv = await app.testClient().post('/add', { data: app.json.dumps({ a: 1, b: 2 }), contentType: 'application/json' })
    expect(rv.text).toBe('3')
  })

  it("test_tojson_filter: tojson uses the app's provider (compact, HTML-safe)", async () => {
    const app = makeApp()
    ;(app.json as DefaultJSONProvider).dates = 'http'
    const rv = await app.testRequestContext('/', () =>
      renderTemplateString('const data = {{ data|tojson }};', { data: { name: '</script>', time: new Date(Date.UTC(2021, 1, 1, 7, 15)) } }),
    )
    expect(rv).toBe('const data = {"name":"\\u003c/script\\u003e","time":"Mon, 01 Feb 2021 07:15:00 GMT"};')
  })

  it('test_json_customization: a provider subclass with a default hook and a custom loads', async () => {
    class X {
      constructor(readonly val: unknown) {}
    }
    class CustomProvider extends DefaultJSONProvider {
      override loads(text: string | Uint8Array): unknown {
        return JSON.parse(String(text), (_k, v: unknown) =>
          v !== null && typeof v === 'object' && Object.keys(v).length === 1 && '_foo' in v ? new X((v as { _foo: unknown })._foo) : v,
        )
      }
    }
    const app = makeApp()
    app.json = new CustomProvider(app)
    ;(app.json as DefaultJSONProvider).default = (o) => (o instanceof X ? `<${String(o.val)}>` : DefaultJSONProvider.default(o))
    app.post('/', function index() {
      const data = currentApp.json.loads(request.getData({ asText: true }) as string) as { x: X }
      return currentApp.json.dumps(data.x)
    })
    const rv = await app.testClient().post('/', { data: app.json.dumps({ x: { _foo: 42 } }), contentType: 'application/json' })
    expect(rv.text).toBe('"<42>"')
  })

  it("test_json_key_sorting: sortKeys (Flask's default; Phial's is insertion order) sorts as strings, pretty in debug", async () => {
    const app = makeApp()
    app.debug = true
    expect((app.json as DefaultJSONProvider).sortKeys).toBe(false)
    ;(app.json as DefaultJSONProvider).sortKeys = true
    const d = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [String(19 - i), 'foo']))
    app.get('/', function index() { return jsonify({ values: d }) })
    const lines = (await get(app)).text.trim().split('\n').map((l) => l.trim())
    // JS orders integer-like keys numerically in every object, so a sorted copy reads as sorted_by_int
    expect(lines).toEqual(['{', '"values": {', ...Array.from({ length: 20 }, (_, i) => `"${i}": "foo"${i < 19 ? ',' : ''}`), '}', '}'])
    ;(app.json as DefaultJSONProvider).sortKeys = true
    expect(app.json.dumps({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}')
  })

  it('test_html_method: __html__ is written as its text (Markup too)', () => {
    const provider = makeApp().json
    expect(provider.dumps({ __html__: () => '<p>test</p>', toString: () => 'x' })).toBe('{}') // a plain object stays an object
    class ObjectWithHTML { __html__() { return '<p>test</p>' } }
    expect(provider.dumps(new ObjectWithHTML())).toBe('"<p>test</p>"')
    expect(provider.dumps({ m: new Markup('<b>x</b>') })).toBe('{"m":"<b>x</b>"}')
  })
})

describe('the provider', () => {
  it("compact: null is compact out of debug and indented (with a final newline) in debug; true/false force it", async () => {
    const app = makeApp()
    app.get('/', function index() { return { a: [1, 2] } })
    expect((await get(app)).text).toBe('{"a":[1,2]}')
    app.debug = true
    expect((await get(app)).text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n')
    ;(app.json as DefaultJSONProvider).compact = true
    expect((await get(app)).text).toBe('{"a":[1,2]}')
    app.debug = false
    ;(app.json as DefaultJSONProvider).compact = false
    expect((await get(app)).text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n')
  })

  it('mimetype, status and headers of jsonify', async () => {
    const app = makeApp()
    app.json.mimetype = 'application/vnd.api+json'
    app.get('/', function index() { return jsonify({ ok: true }, { status: 201, headers: { 'X-Test': '1' } }) })
    const rv = await get(app)
    expect([rv.status, rv.headers.get('content-type'), rv.headers.get('x-test')]).toEqual([201, 'application/vnd.api+json', '1'])
  })

  it('the default hook: Map, Set, bigint, safe strings; class instances keep their properties; a custom hook sees them', () => {
    const provider = new DefaultJSONProvider({ debug: false })
    class Point { constructor(readonly x: number, readonly y: number) {} }
    expect(provider.dumps({ m: new Map([['a', 1]]), s: new Set([1, 2]), n: 5n, p: new Point(1, 2) })).toBe('{"m":{"a":1},"s":[1,2],"n":"5","p":{"x":1,"y":2}}')
    provider.default = (o) => (o instanceof Point ? [o.x, o.y] : DefaultJSONProvider.default(o))
    expect(provider.dumps([new Point(3, 4), new Set(['z'])])).toBe('[[3,4],["z"]]')
    expect(provider.dumps({ p: new Point(0, 0) }, { default: () => 'called' })).toBe('{"p":"called"}')
    expect(() => provider.dumps(undefined)).toThrow(TypeError)
  })

  it('per-call options and loads of bytes', () => {
    const provider = new DefaultJSONProvider({ debug: false })
    expect(provider.dumps({ b: 'é', a: 1 }, { sortKeys: true, ensureAscii: true, indent: 1 })).toBe('{\n "a": 1,\n "b": "\\u00e9"\n}')
    expect(provider.loads(Buffer.from('{"a":"é"}'))).toEqual({ a: 'é' })
  })

  it('a replacement provider: app.json = new MyProvider(app), or the class-wide jsonProviderClass', async () => {
    class Upper extends JSONProvider {
      dumps(value: unknown) { return JSON.stringify(value).toUpperCase() }
      loads(text: string | Uint8Array) { return JSON.parse(String(text)) as unknown }
    }
    const app = makeApp()
    app.json = new Upper(app)
    app.get('/', function index() { return { a: 'x' } })
    expect((await get(app)).text).toBe('{"A":"X"}')

    class UpperApp extends Phial {
      static override jsonProviderClass = Upper
    }
    const other = new UpperApp(import.meta.url, { staticFolder: null, templateFolder: null })
    other.get('/', function index() { return jsonify(['y']) })
    expect(other.json).toBeInstanceOf(Upper)
    expect((await get(other)).text).toBe('["Y"]')
  })

  it('jsonify outside an app context uses the default provider', () => {
    const rv = jsonify({ a: new Set([1]) })
    expect(rv.headers.get('content-type')).toBe('application/json')
  })
})

describe('JSON error bodies', () => {
  it("are written by the app's provider (pretty in debug, its mimetype), with the error's status and headers", async () => {
    const app = makeApp()
    app.json.mimetype = 'application/problem+json'
    app.get('/only-get', function onlyGet() { return 'x' })
    const client = app.testClient()
    const missing = await client.get('/nope', { headers: { Accept: 'application/json' } })
    expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'application/problem+json'])
    expect(missing.json).toMatchObject({ code: 404, name: 'Not Found' })
    const wrong = await client.post('/only-get', { headers: { Accept: 'application/json' } })
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS'])
    app.debug = true
    expect((await client.get('/nope', { headers: { Accept: 'application/json' } })).text).toMatch(/^\{\n {2}"code": 404,\n/)
  })
})

describe('the JSON.stringify fast path for nested plain data', () => {
  // dumps and response skip the replacer when the whole value is plain; what is not must still go through it
  const provider = new DefaultJSONProvider(makeApp())
  const deep = (levels: number, leaf: unknown): unknown => (levels === 0 ? leaf : { d: [deep(levels - 1, leaf)] })

  it('converts what JSON has no form for at any depth, in lists of rows as at the top', () => {
    const rows = [{ id: 1, tags: new Set(['a']), n: 2n }, { id: 2, meta: new Map([['k', [1n]]]), html: new Markup('<b>') }]
    expect(provider.dumps(rows)).toBe('[{"id":1,"tags":["a"],"n":"2"},{"id":2,"meta":{"k":["1"]},"html":"<b>"}]')
    expect(provider.response(rows).body).toBe(provider.dumps(rows))
    expect(provider.dumps(deep(40, 5n))).toBe(JSON.stringify(deep(40, '5')))
    expect(provider.dumps(deep(3, { toJSON: () => new Set([1]) }))).toBe(JSON.stringify(deep(3, [1])))
  })

  it('writes nested dates as the provider says, and plain nested data exactly as JSON.stringify', () => {
    const when = new Date(Date.UTC(2021, 1, 1, 7, 15))
    const rows = [{ at: when, tags: ['x'], author: { name: 'é', none: null, skip: undefined } }]
    expect(provider.dumps(rows)).toBe(JSON.stringify(rows))
    const http = new DefaultJSONProvider(makeApp())
    http.dates = 'http'
    expect(http.dumps([{ at: when }])).toBe('[{"at":"Mon, 01 Feb 2021 07:15:00 GMT"}]')
    expect(http.response([{ at: when }]).body).toBe('[{"at":"Mon, 01 Feb 2021 07:15:00 GMT"}]')
  })

  it('still refuses a cycle with a TypeError', () => {
    const a: Record<string, unknown> = { list: [] }
    ;(a.list as unknown[]).push(a)
    expect(() => provider.dumps([a])).toThrow(TypeError)
  })
})
