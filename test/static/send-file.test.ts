import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendFile, sendFromDirectory, type Phial, type SendFileOptions } from 'phial'
import { MTIME, makeApp, makeFixture, type Fixture } from './fixture.ts'

let fx: Fixture
beforeAll(() => {
  fx = makeFixture()
})
afterAll(() => fx.cleanup())

const HELLO = 'Hello, static world!'
const LAST_MODIFIED = 'Tue, 02 Jan 2024 03:04:05 GMT'

/** An app whose /file route sends static/hello.txt with the options in the query (as JSON). */
function appSending(source: () => Parameters<typeof sendFile>[0], options: SendFileOptions = {}): Phial {
  const app = makeApp(fx.root)
  app.route('/file', { methods: ['GET', 'POST'] }, function file() {
    return sendFile(source(), options)
  })
  return app
}

describe('sendFile: headers', () => {
  it('sends ETag, Last-Modified, Content-Length, Accept-Ranges and no-cache by default', async () => {
    const res = await appSending(() => 'static/hello.txt').testClient().get('/file')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe(HELLO)
    expect(res.headers.get('etag')).toMatch(/^"1704164645-20-\d+"$/)
    expect(res.headers.get('last-modified')).toBe(LAST_MODIFIED)
    expect(res.headers.get('content-length')).toBe('20')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('expires')).toBeNull()
  })

  it('resolves a relative path against the app root, not the working directory', async () => {
    expect(process.cwd()).not.toBe(fx.root)
    const res = await appSending(() => 'secret.txt').testClient().get('/file')
    expect(res.data.toString()).toBe('top secret')
  })

  it('accepts an absolute path and a file: URL', async () => {
    const abs = await appSending(() => `${fx.root}/static/hello.txt`).testClient().get('/file')
    expect(abs.data.toString()).toBe(HELLO)
    const url = await appSending(() => new URL(`file://${fx.root}/static/hello.txt`)).testClient().get('/file')
    expect(url.data.toString()).toBe(HELLO)
  })

  it('maxAge: a number, 0, null and a function', async () => {
    const num = await appSending(() => 'static/hello.txt', { maxAge: 60 }).testClient().get('/file')
    expect(num.headers.get('cache-control')).toBe('public, max-age=60')
    expect(num.headers.get('expires')).not.toBeNull()
    const zero = await appSending(() => 'static/hello.txt', { maxAge: 0 }).testClient().get('/file')
    expect(zero.headers.get('cache-control')).toBe('no-cache, max-age=0')
    const app = appSending(() => 'static/hello.txt', { maxAge: null })
    app.config.SEND_FILE_MAX_AGE_DEFAULT = 100
    expect((await app.testClient().get('/file')).headers.get('cache-control')).toBe('no-cache')
    const seen: Array<string | null> = []
    const fn = await appSending(() => 'static/hello.txt', {
      maxAge: (path) => {
        seen.push(path)
        return path?.endsWith('.txt') ? 10 : null
      },
    })
      .testClient()
      .get('/file')
    expect(fn.headers.get('cache-control')).toBe('public, max-age=10')
    expect(seen).toEqual([`${fx.root}/static/hello.txt`])
  })

  it('maxAge defaults to SEND_FILE_MAX_AGE_DEFAULT', async () => {
    const app = appSending(() => 'static/hello.txt')
    app.config.SEND_FILE_MAX_AGE_DEFAULT = 42
    expect((await app.testClient().get('/file')).headers.get('cache-control')).toBe('public, max-age=42')
  })

  it('etag: a string, false; lastModified override and null', async () => {
    const str = await appSending(() => 'static/hello.txt', { etag: 'v1' }).testClient().get('/file')
    expect(str.headers.get('etag')).toBe('"v1"')
    const weak = await appSending(() => 'static/hello.txt', { etag: 'W/"v2"' }).testClient().get('/file')
    expect(weak.headers.get('etag')).toBe('W/"v2"')
    const none = await appSending(() => 'static/hello.txt', { etag: false }).testClient().get('/file')
    expect(none.headers.get('etag')).toBeNull()
    const lm = await appSending(() => 'static/hello.txt', { lastModified: new Date('2020-05-06T07:08:09.999Z') }).testClient().get('/file')
    expect(lm.headers.get('last-modified')).toBe('Wed, 06 May 2020 07:08:09 GMT')
    const noLm = await appSending(() => 'static/hello.txt', { lastModified: null }).testClient().get('/file')
    expect(noLm.headers.get('last-modified')).toBeNull()
  })

  it('the file ETag changes when the file changes', async () => {
    const { writeFileSync } = await import('node:fs')
    writeFileSync(`${fx.root}/changing.txt`, 'one')
    const app = appSending(() => 'changing.txt')
    const first = (await app.testClient().get('/file')).headers.get('etag')
    writeFileSync(`${fx.root}/changing.txt`, 'two!')
    const second = (await app.testClient().get('/file')).headers.get('etag')
    expect(second).not.toBe(first)
  })
})

describe('sendFile: names and mimetypes', () => {
  it('asAttachment with an ASCII name', async () => {
    const res = await appSending(() => 'uploads/report.pdf', { asAttachment: true }).testClient().get('/file')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"')
    expect(res.headers.get('content-type')).toBe('application/pdf')
  })

  it('asAttachment with a non-ASCII downloadName: filename* plus an ASCII fallback', async () => {
    const res = await appSending(() => 'uploads/report.pdf', { asAttachment: true, downloadName: 'Bericht März €.pdf' })
      .testClient()
      .get('/file')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Bericht Marz .pdf"; filename*=UTF-8''Bericht%20M%C3%A4rz%20%E2%82%AC.pdf`,
    )
    const cjk = await appSending(() => 'uploads/report.pdf', { asAttachment: true, downloadName: '报告.pdf' }).testClient().get('/file')
    expect(cjk.headers.get('content-disposition')).toBe(`attachment; filename=".pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`)
  })

  it('escapes quotes and drops control characters in the name', async () => {
    const res = await appSending(() => 'uploads/report.pdf', { asAttachment: true, downloadName: 'a"b\\c\r\nSet-Cookie: x.pdf' })
      .testClient()
      .get('/file')
    const header = res.headers.get('content-disposition')!
    expect(header).not.toMatch(/[\r\n]/)
    expect(header).toBe(`attachment; filename="a\\"b\\\\cSet-Cookie: x.pdf"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.pdf`)
  })

  it('downloadName drives the mimetype; mimetype wins', async () => {
    const named = await appSending(() => 'static/noext', { downloadName: 'x.svg' }).testClient().get('/file')
    expect(named.headers.get('content-type')).toBe('image/svg+xml')
    const explicit = await appSending(() => 'static/hello.txt', { mimetype: 'application/x-custom' }).testClient().get('/file')
    expect(explicit.headers.get('content-type')).toBe('application/x-custom')
  })

  it('bytes: needs a name or a mimetype; gets a content ETag and ranges', async () => {
    const bytes = Buffer.from('0123456789')
    const noName = appSending(() => bytes)
    noName.config.PROPAGATE_EXCEPTIONS = true
    await expect(noName.testClient().get('/file')).rejects.toThrow(/MIME type/)
    const attach = appSending(() => bytes, { mimetype: 'text/plain', asAttachment: true })
    attach.config.PROPAGATE_EXCEPTIONS = true
    await expect(attach.testClient().get('/file')).rejects.toThrow(/downloadName/)
    const app = appSending(() => bytes, { downloadName: 'digits.txt' })
    const res = await app.testClient().get('/file')
    expect(res.data.toString()).toBe('0123456789')
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect((await app.testClient().get('/file', { headers: { 'if-none-match': etag } })).status).toBe(304)
    const part = await app.testClient().get('/file', { headers: { range: 'bytes=2-4' } })
    expect(part.status).toBe(206)
    expect(part.data.toString()).toBe('234')
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10')
  })

  it('a stream: no length, no ranges; a given etag still gives 304', async () => {
    const app = appSending(() => Readable.from([Buffer.from('ab'), Buffer.from('cd')]), { mimetype: 'text/plain', etag: 'stream-1' })
    const res = await app.testClient().get('/file', { headers: { range: 'bytes=0-0' } })
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('abcd')
    expect(res.headers.get('content-length')).toBeNull()
    expect(res.headers.get('accept-ranges')).toBeNull()
    expect((await app.testClient().get('/file', { headers: { 'if-none-match': '"stream-1"' } })).status).toBe(304)
    const web = appSending(() => new Blob(['web stream']).stream(), { downloadName: 'w.txt' })
    expect((await web.testClient().get('/file')).data.toString()).toBe('web stream')
  })

  it('a missing path is an error (500; raised under TESTING), as in Flask', async () => {
    const app = appSending(() => 'static/missing.txt')
    await expect(app.testClient().get('/file')).rejects.toThrow(/ENOENT/)
    app.config.TESTING = false
    app.config.PROPAGATE_EXCEPTIONS = false
    expect((await app.testClient().get('/file')).status).toBe(500)
  })
})

describe('sendFile: conditional requests', () => {
  const app = (): Phial => appSending(() => 'static/hello.txt')

  it('304 on If-None-Match, without body or content headers, keeping validators', async () => {
    const client = app().testClient()
    const etag = (await client.get('/file')).headers.get('etag')!
    for (const value of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await client.get('/file', { headers: { 'if-none-match': value } })
      expect(res.status, value).toBe(304)
      expect(res.data.length).toBe(0)
      expect(res.headers.get('etag')).toBe(etag)
      expect(res.headers.get('last-modified')).toBe(LAST_MODIFIED)
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(res.headers.get('content-type')).toBeNull()
      expect(res.headers.get('content-length')).toBeNull()
    }
    expect((await client.get('/file', { headers: { 'if-none-match': '"other"' } })).status).toBe(200)
  })

  it('304 on If-Modified-Since at or after Last-Modified; 200 before', async () => {
    const client = app().testClient()
    expect((await client.get('/file', { headers: { 'if-modified-since': LAST_MODIFIED } })).status).toBe(304)
    expect((await client.get('/file', { headers: { 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' } })).status).toBe(304)
    expect((await client.get('/file', { headers: { 'if-modified-since': 'Tuesday, 02-Jan-24 03:04:05 GMT' } })).status).toBe(304)
    expect((await client.get('/file', { headers: { 'if-modified-since': 'Tue Jan  2 03:04:05 2024' } })).status).toBe(304)
    expect((await client.get('/file', { headers: { 'if-modified-since': 'Tue, 02 Jan 2024 03:04:04 GMT' } })).status).toBe(200)
    expect((await client.get('/file', { headers: { 'if-modified-since': 'garbage' } })).status).toBe(200)
  })

  it('If-None-Match takes precedence over If-Modified-Since', async () => {
    const res = await app().testClient().get('/file', { headers: { 'if-none-match': '"other"', 'if-modified-since': LAST_MODIFIED } })
    expect(res.status).toBe(200)
  })

  it('412 when If-Match or If-Unmodified-Since fails', async () => {
    const client = app().testClient()
    const etag = (await client.get('/file')).headers.get('etag')!
    expect((await client.get('/file', { headers: { 'if-match': '"nope"' } })).status).toBe(412)
    expect((await client.get('/file', { headers: { 'if-match': `W/${etag}` } })).status).toBe(412)
    expect((await client.get('/file', { headers: { 'if-match': etag } })).status).toBe(200)
    expect((await client.get('/file', { headers: { 'if-match': '*' } })).status).toBe(200)
    expect((await client.get('/file', { headers: { 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).status).toBe(412)
    expect((await client.get('/file', { headers: { 'if-unmodified-since': LAST_MODIFIED } })).status).toBe(200)
  })

  it('conditional: false ignores validators and ranges', async () => {
    const client = appSending(() => 'static/hello.txt', { conditional: false }).testClient()
    const res = await client.get('/file', { headers: { 'if-none-match': '*', range: 'bytes=0-1' } })
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe(HELLO)
    expect(res.headers.get('accept-ranges')).toBeNull()
  })

  it('only GET and HEAD are conditional', async () => {
    const res = await app().testClient().post('/file', { headers: { 'if-none-match': '*', range: 'bytes=0-1' } })
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe(HELLO)
  })
})

describe('sendFile: ranges', () => {
  const get = (range: string, extra: Record<string, string> = {}) =>
    appSending(() => 'static/hello.txt').testClient().get('/file', { headers: { range, ...extra } })

  it.each([
    ['bytes=0-4', 0, 4],
    ['bytes=7-', 7, 19],
    ['bytes=-6', 14, 19],
    ['bytes=-100', 0, 19],
    ['bytes=5-1000', 5, 19],
    ['bytes=19-19', 19, 19],
    [' bytes = 0 - 0 ', 0, 0],
  ])('%s → 206 bytes %i-%i', async (range, start, end) => {
    const res = await get(range)
    expect(res.status).toBe(206)
    expect(res.data.toString()).toBe(HELLO.slice(start, end + 1))
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/20`)
    expect(res.headers.get('content-length')).toBe(String(end - start + 1))
  })

  it.each(['bytes=20-', 'bytes=100-200', 'bytes=-0'])('%s → 416 with Content-Range bytes */20', async (range) => {
    const res = await get(range)
    expect(res.status).toBe(416)
    expect(res.headers.get('content-range')).toBe('bytes */20')
  })

  it.each(['bytes=0-1,4-5', 'items=0-1', 'bytes=abc', 'bytes=5-2', 'bytes=', 'bytes=-'])('%s is ignored → 200 full', async (range) => {
    const res = await get(range)
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe(HELLO)
  })

  it('If-Range with the current ETag or date → 206; stale → 200 full', async () => {
    const etag = (await get('bytes=0-0')).headers.get('etag')!
    expect((await get('bytes=0-1', { 'if-range': etag })).status).toBe(206)
    expect((await get('bytes=0-1', { 'if-range': LAST_MODIFIED })).status).toBe(206)
    const stale = await get('bytes=0-1', { 'if-range': '"old"' })
    expect(stale.status).toBe(200)
    expect(stale.data.toString()).toBe(HELLO)
    expect((await get('bytes=0-1', { 'if-range': `W/${etag}` })).status).toBe(200)
    expect((await get('bytes=0-1', { 'if-range': 'Mon, 01 Jan 2024 00:00:00 GMT' })).status).toBe(200)
  })

  it('an empty file ignores ranges', async () => {
    const res = await appSending(() => 'static/empty.txt').testClient().get('/file', { headers: { range: 'bytes=0-' } })
    expect(res.status).toBe(200)
    expect(res.data.length).toBe(0)
  })

  it('HEAD ignores Range but has Content-Length and no body', async () => {
    const res = await appSending(() => 'static/hello.txt').testClient().head('/file', { headers: { range: 'bytes=0-1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe('20')
    expect(res.data.length).toBe(0)
  })
})

describe('sendFile: a 5 MB file', () => {
  it('is streamed from disk (FileBody) and arrives intact; a range from the middle too', async () => {
    const app = makeApp(fx.root)
    let bodyKind = ''
    app.afterRequest((response) => {
      bodyKind = response.body?.constructor.name ?? 'null'
      return response
    })
    const client = app.testClient()
    const res = await client.get('/static/big.bin')
    expect(bodyKind).toBe('FileBody')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(fx.big.length))
    expect(res.data.equals(fx.big)).toBe(true)
    const part = await client.get('/static/big.bin', { headers: { range: 'bytes=3000000-3999999' } })
    expect(part.status).toBe(206)
    expect(part.data.equals(fx.big.subarray(3_000_000, 4_000_000))).toBe(true)
  })
})

describe('sendFromDirectory', () => {
  function app(options: SendFileOptions = {}): Phial {
    const a = makeApp(fx.root)
    a.get('/uploads/<path:name>', function upload({ name }) {
      return sendFromDirectory('uploads', name, options)
    })
    return a
  }

  it('sends a file from a folder relative to the app root, with sendFile options', async () => {
    const res = await app({ asAttachment: true, maxAge: 5 }).testClient().get('/uploads/report.pdf')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('%PDF-1.4 fake')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"')
    expect(res.headers.get('cache-control')).toBe('public, max-age=5')
  })

  it('404s for missing files and traversal', async () => {
    const client = app().testClient()
    for (const path of ['/uploads/missing.pdf', '/uploads/../secret.txt', '/uploads/%2e%2e/secret.txt', '/uploads/..%2fsecret.txt', '/uploads/..%5csecret.txt']) {
      expect((await client.get(path)).status, path).toBe(404)
    }
  })

  it('works in an app context with an absolute directory too', async () => {
    const a = makeApp(fx.root)
    await a.appContext(async () => {
      const res = await sendFromDirectory(`${fx.root}/static`, 'hello.txt')
      expect(res.status).toBe(200)
      expect(res.headers.get('etag')).not.toBeNull()
      await expect(sendFromDirectory(`${fx.root}/static`, '../secret.txt')).rejects.toMatchObject({ code: 404 })
    })
  })
})

it('MTIME fixture sanity', () => {
  expect(Math.floor(MTIME.getTime() / 1000)).toBe(1704164645)
})
