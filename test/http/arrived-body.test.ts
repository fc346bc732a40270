/**
 * The body that has fully arrived with its headers (readBody takes it from
 * the IncomingMessage's buffer without listeners, issue 14) and the ASCII
 * decode of parseJson: the same answers as the flowing read and the UTF-8
 * decode, the same limits.
 */
import { describe, expect, it } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { parseJson, readBody } from '../../src/http/body.ts'
import { BadRequest, ClientDisconnected, type HTTPException } from '../../src/http/exceptions.ts'
import { request } from '../../src/index.ts'
import { makeApp, rawRequest, rawStatus, withServer } from '../core/helpers.ts'
import { closeServer, listen } from './raw-server.ts'

/** The events listened to on each request after the handler started (readBody's, Node's own). */
const listened: string[][] = []

/** A server that answers `<status> <length of the body read>` or the error's status and description. */
function bodyServer(limit: number | null, before?: (req: IncomingMessage) => void): Promise<number> {
  return listen((req, res) => {
    const events: string[] = []
    listened.push(events)
    const on = req.on.bind(req)
    on('end', () => events.push('(end)'))
    on('close', () => events.push('(close)'))
    req.on = ((event: string, fn: (...args: unknown[]) => void) => {
      events.push(event)
      return on(event, fn)
    }) as typeof req.on
    before?.(req)
    const length = req.headers['content-length']
    readBody(req, { limit, limitName: 'LIMIT', declaredLength: length === undefined ? null : Number(length) }).then(
      (body) => res.end(`${body.length} ${body.toString('latin1')}`),
      (err: HTTPException) => {
        res.statusCode = err.code
        res.end(err.description)
      },
    )
  })
}

/** Sends `chunks` on one connection (a pause between them) and returns the raw answer. */
function send(port: number, chunks: string[], gapMs = 0): Promise<string> {
  return rawRequest(port, chunks, { idleMs: 200, gapMs })
}

const post = (body: string, headers = ''): string => `POST / HTTP/1.1\r\nHost: x\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
const chunked = (body: string): string => `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`

describe('readBody of a node:http request whose body came with its headers', () => {
  it('takes the body from the buffer, without listening to the stream', async () => {
    listened.length = 0
    const port = await bodyServer(100)
    const raw = await send(port, [post('{"a":1}') + post('second')]) // two on one connection: the next one too
    expect(raw).toContain('\r\n\r\n7 {"a":1}')
    expect(raw).toContain('\r\n\r\n6 second')
    expect(listened.map((events) => events.includes('data'))).toEqual([false, false])
    // and the request still ends as one read as it flows
    expect(listened.map((events) => events.includes('(end)') && events.includes('(close)'))).toEqual([true, true])
  })

  it('a body sent after the headers is read as it flows', async () => {
    listened.length = 0
    const port = await bodyServer(100)
    const raw = await send(port, [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n`, 'ab', 'cde'], 50)
    expect(raw).toContain('\r\n\r\n5 abcde')
    expect(listened[0]).toContain('data')
  })

  it('a body of exactly the limit is read; one byte more is the 413 of the flowing read, with its message', async () => {
    const port = await bodyServer(10)
    // chunked: no Content-Length to refuse it from, so the limit applies to what arrived
    const at = await send(port, [chunked('0123456789')])
    expect(rawStatus(at)).toBe(200)
    expect(at).toContain('\r\n\r\n10 0123456789')
    const over = await send(port, [chunked('0123456789x')])
    expect(rawStatus(over)).toBe(413)
    expect(over).toContain('The request body is larger than the limit of 10 bytes (LIMIT).')
  })

  it('a stream someone paused or decoded to text is left to the flowing read, with the same bytes', async () => {
    listened.length = 0
    const paused = await bodyServer(null, (req) => req.pause())
    expect(await send(paused, [post('paused')])).toContain('\r\n\r\n6 paused')
    await closeServer()
    const decoded = await bodyServer(null, (req) => req.setEncoding('utf8'))
    expect(await send(decoded, [post('héllo')])).toContain('\r\n\r\n6 h')
    expect(listened.map((events) => events.includes('data'))).toEqual([true, true])
  })

  it('a client gone before the body was read is a ClientDisconnected, not a hang', async () => {
    let settled!: (v: unknown) => void
    const outcome = new Promise((r) => (settled = r))
    const port = await listen((req) => {
      req.destroy()
      readBody(req, { limit: null }).then(settled, settled)
    })
    const socket = connect(port, '127.0.0.1', () => socket.write(post('gone')))
    socket.on('error', () => {})
    expect(await outcome).toBeInstanceOf(ClientDisconnected)
    socket.destroy()
  })
})

describe('parseJson of bytes', () => {
  it('reads ASCII bytes as the UTF-8 decode does, from a Buffer or a Uint8Array at an offset', () => {
    const text = '{"task":"write","tags":["a","b"],"n":-1.5e3,"s":"\\u00e9\\n"}'
    const within = new Uint8Array(200)
    within.set(Buffer.from(text), 37)
    expect(parseJson(within.subarray(37, 37 + text.length))).toEqual(JSON.parse(text))
    expect(parseJson(Buffer.from(text))).toEqual(JSON.parse(text))
  })

  it('decodes UTF-8 beyond ASCII, drops a byte order mark, and refuses invalid UTF-8 with its 400', () => {
    expect(parseJson(Buffer.from('{"name":"Zoë 🐍"}'))).toEqual({ name: 'Zoë 🐍' })
    expect(parseJson(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]))).toEqual([1])
    for (const bad of [[0x22, 0xff, 0x22], [0x22, 0xc3, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22]]) {
      expect(() => parseJson(Buffer.from(bad))).toThrow(BadRequest)
      expect(() => parseJson(Buffer.from(bad))).toThrow('Failed to decode JSON object: the body is not valid UTF-8.')
    }
  })

  it('keeps MAX_JSON_DEPTH and MAX_JSON_ITEMS on ASCII bytes', () => {
    expect(() => parseJson(Buffer.from('[[[1]]]'), { maxDepth: 2 })).toThrow('nested deeper than the limit of 2 levels')
    expect(() => parseJson(Buffer.from('[1,2,3]'), { maxItems: 2 })).toThrow('more than the limit of 2 elements')
    expect(parseJson(Buffer.from('[[1]]'), { maxDepth: 2, maxItems: 2 })).toEqual([[1]])
  })
})

describe('a JSON POST through the server, sent in one packet', () => {
  it('parses at MAX_JSON_SIZE, is a 413 one byte over, and a 400 for invalid UTF-8', async () => {
    const app = makeApp()
    app.config.MAX_JSON_SIZE = 40
    app.post('/json', function echo() {
      return { got: request.json }
    })
    const json = 'Content-Type: application/json\r\n'
    const at = '{"task":"' + 'x'.repeat(29) + '"}' // 40 bytes
    await withServer(app, async (srv) => {
      const ok = await rawRequest(srv.port, [post(at, json).replace('POST /', 'POST /json')])
      expect(rawStatus(ok)).toBe(200)
      expect(ok).toContain('"got":{"task":"xxxxx')
      const chunkedOver = `POST /json HTTP/1.1\r\nHost: x\r\n${json}Transfer-Encoding: chunked\r\n\r\n29\r\n${at} \r\n0\r\n\r\n`
      const over = await rawRequest(srv.port, [chunkedOver])
      expect(rawStatus(over)).toBe(413)
      expect(over).toContain('The request body is larger than the limit of 40 bytes (MAX_JSON_SIZE).')
      const invalid = Buffer.concat([Buffer.from(`POST /json HTTP/1.1\r\nHost: x\r\n${json}Content-Length: 5\r\n\r\n`), Buffer.from([0x22, 0x61, 0xff, 0x62, 0x22])])
      const refused = await rawRequest(srv.port, [invalid])
      expect(rawStatus(refused)).toBe(400)
      expect(refused).toContain('not valid UTF-8')
    })
  })
})
