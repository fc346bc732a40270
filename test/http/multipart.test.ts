import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { parseMultipart } from '../../src/http/multipart.ts'
import { FileStorage } from '../../src/http/file-storage.ts'
import { BadRequest, ClientDisconnected, RequestEntityTooLarge } from '../../src/http/exceptions.ts'
import { ImmutableMultiDict } from '../../src/http/multidict.ts'

const BOUNDARY = '----phialtestboundary'
const CT = `multipart/form-data; boundary=${BOUNDARY}`

type Part = { name: string; value: string | Buffer; filename?: string; contentType?: string }

function multipart(parts: Part[], { close = true } = {}): Buffer {
  const chunks: Buffer[] = []
  for (const p of parts) {
    let head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"`
    if (p.filename !== undefined) head += `; filename="${p.filename}"`
    head += '\r\n'
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`
    chunks.push(Buffer.from(head + '\r\n'), Buffer.from(p.value), Buffer.from('\r\n'))
  }
  if (close) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

function withTimeout<T>(promise: Promise<T>, ms = 3000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref()),
  ])
}

/** Feeds a buffer as a stream in small chunks, as a socket would. */
function chunked(buf: Buffer, size = 1000): Readable {
  const pieces: Buffer[] = []
  for (let i = 0; i < buf.length; i += size) pieces.push(buf.subarray(i, i + size))
  return Readable.from(pieces)
}

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phial-mp-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('parseMultipart', () => {
  it('parses fields, a small file in memory and a large file spooled to disk', async () => {
    const big = Buffer.alloc(700 * 1024, 7)
    const body = multipart([
      { name: 'title', value: 'Hello wörld' },
      { name: 'tag', value: 'a' },
      { name: 'tag', value: 'b' },
      { name: 'small', value: 'tiny content', filename: 'notes.txt', contentType: 'text/plain' },
      { name: 'big', value: big, filename: 'photo.png', contentType: 'image/png' },
    ])
    const dir = tempDir()
    const { form, files, cleanup } = await withTimeout(parseMultipart(chunked(body, 16 * 1024), CT, { tmpDir: dir }))
    expect(form).toBeInstanceOf(ImmutableMultiDict)
    expect(files).toBeInstanceOf(ImmutableMultiDict)
    expect(form.get('title')).toBe('Hello wörld')
    expect(form.getAll('tag')).toEqual(['a', 'b'])

    const small = files.get('small') as FileStorage
    expect(small).toBeInstanceOf(FileStorage)
    expect(small.name).toBe('small')
    expect(small.filename).toBe('notes.txt')
    expect(small.contentType).toBe('text/plain')
    expect(small.mimetype).toBe('text/plain')
    expect(small.size).toBe(12)
    expect(small.spooled).toBe(false)
    expect(await small.text()).toBe('tiny content')

    const large = files.get('big') as FileStorage
    expect(large.filename).toBe('photo.png')
    expect(large.mimetype).toBe('image/png')
    expect(large.size).toBe(big.length)
    expect(large.spooled).toBe(true)
    const spoolPath = large.path as string
    expect(spoolPath.startsWith(dir)).toBe(true)
    expect(existsSync(spoolPath)).toBe(true)
    expect((await large.read()).equals(big)).toBe(true)

    const saved = join(dir, 'saved.png')
    await large.save(saved)
    expect(readFileSync(saved).equals(big)).toBe(true)
    const savedSmall = join(dir, 'saved.txt')
    await small.save(savedSmall)
    expect(readFileSync(savedSmall, 'utf8')).toBe('tiny content')

    const streamed: Buffer[] = []
    for await (const c of large.stream()) streamed.push(c as Buffer)
    expect(Buffer.concat(streamed).equals(big)).toBe(true)

    await cleanup()
    expect(existsSync(spoolPath)).toBe(false)
    expect(existsSync(saved)).toBe(true) // the saved copy stays
    await cleanup() // idempotent
  })

  it('parses a body given as a Buffer; no temp files means a no-op cleanup', async () => {
    const { form, files, cleanup } = await parseMultipart(multipart([{ name: 'a', value: '1' }]), CT)
    expect(form.get('a')).toBe('1')
    expect(files.size).toBe(0)
    await cleanup()
  })

  it("keeps a browser's empty file input with filename ''", async () => {
    const body = multipart([
      { name: 'avatar', value: '', filename: '', contentType: 'application/octet-stream' },
      { name: 'name', value: 'x' },
    ])
    const { form, files } = await parseMultipart(body, CT)
    const file = files.get('avatar') as FileStorage
    expect(file).toBeInstanceOf(FileStorage)
    expect(file.filename).toBe('')
    expect(file.size).toBe(0)
    expect(form.get('name')).toBe('x')
  })

  it('keeps the filename as sent (with its path) and decodes UTF-8 names', async () => {
    const body = multipart([{ name: 'f', value: 'x', filename: '../../etc/résumé.txt', contentType: 'text/plain' }])
    const { files } = await parseMultipart(body, CT)
    expect(files.get('f')?.filename).toBe('../../etc/résumé.txt')
  })

  it('an octet-stream part without a filename is a field, as in Werkzeug', async () => {
    const body = multipart([{ name: 'blob', value: 'data', contentType: 'application/octet-stream' }])
    const { form, files } = await parseMultipart(body, CT)
    expect(form.get('blob')).toBe('data')
    expect(files.size).toBe(0)
  })

  it('more parts than maxFormParts is a 413; exactly the limit is fine', async () => {
    const parts = [1, 2, 3].map((i) => ({ name: `f${i}`, value: String(i) }))
    const ok = await parseMultipart(multipart(parts), CT, { maxFormParts: 3 })
    expect(ok.form.size).toBe(3)
    const err = await withTimeout(parseMultipart(chunked(multipart([...parts, { name: 'f4', value: '4' }]), 7), CT, { maxFormParts: 3 }).catch((e: unknown) => e))
    expect(err).toBeInstanceOf(RequestEntityTooLarge)
    expect((err as Error).message).toMatch(/too many/)
  })

  it('a field larger than maxFormMemorySize is a 413; exactly the limit is fine', async () => {
    const ok = await parseMultipart(multipart([{ name: 'a', value: 'x'.repeat(100) }]), CT, { maxFormMemorySize: 100 })
    expect(ok.form.get('a')).toHaveLength(100)
    const err = await withTimeout(
      parseMultipart(chunked(multipart([{ name: 'a', value: 'x'.repeat(101) }])), CT, { maxFormMemorySize: 100 }).catch((e: unknown) => e),
    )
    expect(err).toBeInstanceOf(RequestEntityTooLarge)
    expect((err as Error).message).toMatch(/MAX_FORM_MEMORY_SIZE/)
    // files are not bounded by it
    const file = await parseMultipart(multipart([{ name: 'f', value: 'x'.repeat(500), filename: 'a.txt' }]), CT, { maxFormMemorySize: 100 })
    expect(file.files.get('f')?.size).toBe(500)
  })

  it('a body over maxContentLength is a 413', async () => {
    const body = multipart([{ name: 'f', value: Buffer.alloc(5000), filename: 'a.bin' }])
    await expect(withTimeout(parseMultipart(chunked(body), CT, { maxContentLength: 1000 }))).rejects.toBeInstanceOf(RequestEntityTooLarge)
    await expect(parseMultipart(body, CT, { maxContentLength: 1000 })).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })

  it('a missing boundary is a 400', async () => {
    const err = await parseMultipart(Buffer.from(''), 'multipart/form-data').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).description).toMatch(/boundary/)
    await expect(parseMultipart(Buffer.from(''), 'text/plain')).rejects.toBeInstanceOf(BadRequest)
    await expect(parseMultipart(Buffer.from(''), '')).rejects.toBeInstanceOf(BadRequest)
  })

  it('a truncated body is a 400 and never hangs', async () => {
    const body = multipart([{ name: 'a', value: '1' }, { name: 'b', value: 'two' }], { close: false })
    const truncated = body.subarray(0, body.length - 4)
    const err = await withTimeout(parseMultipart(chunked(truncated, 10), CT).catch((e: unknown) => e))
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).description).toMatch(/Unexpected end of form/)
    await expect(withTimeout(parseMultipart(truncated, CT))).rejects.toBeInstanceOf(BadRequest)
    // a body that is not multipart at all
    await expect(withTimeout(parseMultipart(Buffer.from('hello'), CT))).rejects.toBeInstanceOf(BadRequest)
  })

  it('malformed part headers are a 400', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\n${'X'.repeat(20000)}\r\n\r\nvalue\r\n--${BOUNDARY}--\r\n`)
    const err = await withTimeout(parseMultipart(body, CT).catch((e: unknown) => e))
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).description).toMatch(/Malformed/)
  })

  it('a truncated large upload rejects and removes the temp file already written', async () => {
    const dir = tempDir()
    const body = multipart([{ name: 'big', value: Buffer.alloc(300 * 1024, 1), filename: 'big.bin' }], { close: false })
    const cut = body.subarray(0, body.length - 1000)
    const err = await withTimeout(parseMultipart(chunked(cut, 8 * 1024), CT, { tmpDir: dir, spoolThreshold: 10 * 1024 }).catch((e: unknown) => e))
    expect(err).toBeInstanceOf(BadRequest)
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(dir)).toEqual([])
  })

  it('a client abort mid-body rejects with ClientDisconnected and removes temp files', async () => {
    const dir = tempDir()
    const stream = new PassThrough()
    const promise = parseMultipart(stream, CT, { tmpDir: dir, spoolThreshold: 1024 })
    const body = multipart([{ name: 'big', value: Buffer.alloc(64 * 1024, 1), filename: 'big.bin' }])
    stream.write(body.subarray(0, 32 * 1024))
    await new Promise((r) => setTimeout(r, 20))
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(dir).length).toBe(1) // spooling had started
    stream.destroy()
    const err = await withTimeout(promise.catch((e: unknown) => e))
    expect(err).toBeInstanceOf(ClientDisconnected)
    expect(readdirSync(dir)).toEqual([])
  })
})

describe('FileStorage', () => {
  it('works from memory with defaults', async () => {
    const f = new FileStorage({ name: 'doc', filename: 'a.txt', contentType: 'text/plain; charset=utf-8', data: 'héllo' })
    expect(f.mimetype).toBe('text/plain')
    expect(f.mimetypeParams.charset).toBe('utf-8')
    expect(f.size).toBe(6)
    expect(f.contentLength).toBe(6)
    expect(f.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect((await f.bytes()).toString()).toBe('héllo')
    expect(JSON.stringify(f)).toBe('{"name":"doc","filename":"a.txt","contentType":"text/plain; charset=utf-8","size":6}')
    const empty = new FileStorage()
    expect(empty.contentType).toBe('application/octet-stream')
    expect(empty.filename).toBeNull()
    expect(empty.size).toBe(0)
    const out = new PassThrough()
    const got: Buffer[] = []
    out.on('data', (c: Buffer) => got.push(c))
    await f.save(out)
    expect(Buffer.concat(got).toString()).toBe('héllo')
  })
})
