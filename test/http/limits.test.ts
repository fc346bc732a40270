/**
 * Issue 18, body amplification and the body findings: parsed bodies (JSON,
 * urlencoded) have their own limits, JSON has bounds on depth and element
 * count, a too-large declared length is a 413 at once for every body kind
 * (multipart too, and without `100 Continue`), invalid UTF-8 in JSON is a
 * 400 and so is an empty multipart boundary. Each answer says which limit.
 */
import { describe, expect, it } from 'vitest'
import { request } from '../../src/index.ts'
import { makeApp, rawRequest, rawStatus, withServer } from '../core/helpers.ts'

function jsonApp() {
  const app = makeApp()
  app.post('/json', function json() {
    const body = request.json
    return { kind: Array.isArray(body) ? 'array' : typeof body, length: Array.isArray(body) ? body.length : null }
  })
  app.post('/form', function form() {
    return { fields: [...request.form.keys()].length, files: [...request.files.keys()].length }
  })
  return app
}

const MiB = 1024 * 1024

describe('parsed bodies have their own limits', () => {
  it('a JSON body over MAX_JSON_SIZE (1 MiB by default) is a 413 naming the key', async () => {
    const app = jsonApp()
    const client = app.testClient()
    const big = '[' + '1,'.repeat(MiB / 2 + 10) + '1]' // just over 1 MiB, few elements per byte
    const res = await client.post('/json', { data: big, headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(413)
    expect(res.text).toContain('MAX_JSON_SIZE')
    app.config.MAX_JSON_SIZE = 4 * MiB
    app.config.MAX_JSON_ITEMS = null
    const ok = await client.post('/json', { data: big, headers: { 'content-type': 'application/json' } })
    expect(ok.status).toBe(200)
  })

  it('four concurrent 14 MiB `[{},{},…]` bodies are refused without being parsed', async () => {
    const app = jsonApp()
    const client = app.testClient()
    const bomb = '[' + '{},'.repeat((14 * MiB) / 3) + '{}]'
    const before = process.memoryUsage().rss
    const answers = await Promise.all([1, 2, 3, 4].map(() => client.post('/json', { data: bomb, headers: { 'content-type': 'application/json' } })))
    expect(answers.map((r) => r.status)).toEqual([413, 413, 413, 413])
    // parsing one such body costs over 300 MB; refusing it costs nothing near that
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * MiB)
  })

  it('a JSON body with more than MAX_JSON_ITEMS elements is a 413; deeper than MAX_JSON_DEPTH a 400', async () => {
    const app = jsonApp()
    const client = app.testClient()
    const many = '[' + '{},'.repeat(150_000) + '{}]' // 450 kB: under the size limit
    const res = await client.post('/json', { data: many, headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(413)
    expect(res.text).toContain('MAX_JSON_ITEMS')
    const deep = '['.repeat(65) + ']'.repeat(65)
    const res2 = await client.post('/json', { data: deep, headers: { 'content-type': 'application/json' } })
    expect(res2.status).toBe(400)
    expect(res2.text).toContain('MAX_JSON_DEPTH')
    // within the bounds, and strings that look like brackets or commas do not count
    const fine = JSON.stringify([['['.repeat(100), ','.repeat(200_000)], { a: '{{{{' }])
    const ok = await client.post('/json', { data: fine, headers: { 'content-type': 'application/json' } })
    expect(ok.status).toBe(200)
    expect(ok.json).toEqual({ kind: 'array', length: 2 })
    app.config.MAX_JSON_DEPTH = null
    app.config.MAX_JSON_ITEMS = null
    expect((await client.post('/json', { data: deep, headers: { 'content-type': 'application/json' } })).status).toBe(200)
    expect((await client.post('/json', { data: many, headers: { 'content-type': 'application/json' } })).status).toBe(200)
  })

  it('getJson({ force: true }) on a body not sent as JSON keeps MAX_JSON_SIZE', async () => {
    const app = makeApp()
    app.config.MAX_JSON_SIZE = 100
    app.post('/forced', function forced() {
      return { value: request.getJson({ force: true }) }
    })
    const client = app.testClient()
    const small = await client.post('/forced', { data: '[1, 2]', headers: { 'content-type': 'text/plain' } })
    expect(small.json).toEqual({ value: [1, 2] })
    const big = await client.post('/forced', { data: JSON.stringify('x'.repeat(200)), headers: { 'content-type': 'text/plain' } })
    expect(big.status).toBe(413)
    expect(big.text).toContain('MAX_JSON_SIZE')
  })

  it('an urlencoded body over MAX_FORM_MEMORY_SIZE is a 413 at once, from its declared length', async () => {
    const app = jsonApp()
    await withServer(app, async (srv) => {
      const raw = await rawRequest(
        srv.port,
        ['POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 600000\r\n\r\n'],
        { idleMs: 1500 },
      )
      expect(rawStatus(raw)).toBe(413)
      expect(raw).toContain('MAX_FORM_MEMORY_SIZE')
    })
  })
})

describe('a declared length over the limit is a 413 at once', () => {
  it('for a multipart body (it used to get no answer)', async () => {
    const app = jsonApp()
    await withServer(app, async (srv) => {
      const started = Date.now()
      const raw = await rawRequest(
        srv.port,
        [`POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${20 * MiB}\r\n\r\n--xyz\r\n`],
        { idleMs: 1500 },
      )
      expect(rawStatus(raw)).toBe(413)
      expect(raw).toContain('MAX_CONTENT_LENGTH')
      expect(Date.now() - started).toBeLessThan(5000)
    })
  })

  it('for JSON, before any byte of the body', async () => {
    const app = jsonApp()
    await withServer(app, async (srv) => {
      const raw = await rawRequest(srv.port, [`POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * MiB}\r\n\r\n`], { idleMs: 1500 })
      expect(rawStatus(raw)).toBe(413)
      expect(raw).toContain('MAX_JSON_SIZE')
    })
  })

  it('with Expect: 100-continue, a too-large body gets its 413 without a 100 Continue; a fine one gets 100 then 200', async () => {
    const app = jsonApp()
    await withServer(app, async (srv) => {
      const refused = await rawRequest(
        srv.port,
        [`POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${20 * MiB}\r\nExpect: 100-continue\r\n\r\n`],
        { idleMs: 1500 },
      )
      expect(refused).not.toContain('100 Continue')
      expect(rawStatus(refused)).toBe(413)

      const body = '{"a": [1, 2]}'
      const head = `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`
      const accepted = await new Promise<string>((resolve, reject) => {
        void import('node:net').then(({ connect }) => {
          const socket = connect(srv.port, '127.0.0.1')
          let text = ''
          socket.on('error', reject)
          socket.on('data', (d: Buffer) => {
            text += d.toString('latin1')
            if (text.startsWith('HTTP/1.1 100') && !text.includes('\r\n\r\n', 1 + text.indexOf('\r\n\r\n'))) socket.write(body)
          })
          socket.on('close', () => resolve(text))
          socket.write(head)
        })
      })
      expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/)
      expect(accepted).toContain('"length":null')
    })
  })
})

describe('malformed bodies are a 400', () => {
  it('invalid UTF-8 in a JSON body', async () => {
    const app = jsonApp()
    const client = app.testClient()
    const bad = Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])
    const res = await client.post('/json', { data: bad, headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('not valid UTF-8')
    const good = await client.post('/json', { data: Buffer.from('\ufeff["é"]'), headers: { 'content-type': 'application/json' } })
    expect(good.json).toEqual({ kind: 'array', length: 1 })
  })

  it('an empty multipart boundary', async () => {
    const app = jsonApp()
    const client = app.testClient()
    for (const header of ['multipart/form-data; boundary=', 'multipart/form-data; boundary=""']) {
      const res = await client.post('/form', { data: '--\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n----\r\n', headers: { 'content-type': header } })
      expect(res.status, header).toBe(400)
      expect(res.text).toContain('boundary parameter is empty')
    }
  })
})
