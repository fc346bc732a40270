/**
 * Test requests: a path and Werkzeug-style options (`json`, `form`, `files`,
 * `query`, …) turned into a request context, as the test client and
 * `app.testRequestContext` build them.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { AppCore } from '../core/app-core.ts'
import type { Context } from '../core/context.ts'
import { createRequestContext } from '../dispatch/run.ts'
import { encodeQuery } from '../routing/index.ts'

/**
 * A file to upload with the test client.
 *
 * @example
 * ```ts
 * const photo: TestFile = { content: 'fake png bytes', filename: 'beach.png', contentType: 'image/png' }
 * await client.post('/upload', { files: { photo } })
 * ```
 */
export interface TestFile {
  content: string | Uint8Array
  filename?: string
  contentType?: string
}

/**
 * Options of a test request.
 *
 * @example
 * ```ts
 * await client.open('/search', { method: 'GET', query: { q: 'phial' }, headers: { Accept: 'application/json' } })
 * await client.post('/login', { form: { username: 'ada' }, followRedirects: true, scheme: 'https' })
 * ```
 */
export interface TestRequestInit {
  method?: string
  /** Query values, added to those in the path. */
  query?: Record<string, unknown>
  headers?: Record<string, string | string[]>
  /** A JSON body. */
  json?: unknown
  /** Form fields (urlencoded, or multipart when `files` is given). */
  form?: Record<string, string | number | Array<string | number>>
  /** Files by field name (multipart). */
  files?: Record<string, TestFile | TestFile[]>
  /** A raw body. */
  data?: string | Uint8Array
  /** The Content-Type of `data`. */
  contentType?: string
  /** Follow redirects (max 20). */
  followRedirects?: boolean
  /** The client address (default 127.0.0.1). */
  remoteAddr?: string
  /** `http` or `https` (default `PREFERRED_URL_SCHEME`, or the base URL's). */
  scheme?: 'http' | 'https'
  /**
   * Where the request goes (Werkzeug's `base_url`): scheme, host and the
   * app's mount point, e.g. `'https://api.example.com/'`. Default: built
   * from `SERVER_NAME` (else `localhost`), `APPLICATION_ROOT` and
   * `PREFERRED_URL_SCHEME`, as Flask's test client does. A full URL as the
   * path (`client.get('http://api.example.com/x')`) sets it too.
   */
  baseUrl?: string
  /** A subdomain of the default host (`subdomain: 'api'` → `api.example.com` with SERVER_NAME `example.com`). */
  subdomain?: string
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * The target of a test request: the `Host`, whether it is HTTPS, and the
 * path below the mount point with its query (Flask's `EnvironBuilder`).
 */
function targetOf(app: AppCore, path: string, init: TestRequestInit): { host: string; secure: boolean; url: string } {
  const config = app.config
  if (init.baseUrl !== undefined && (init.subdomain !== undefined || init.scheme !== undefined)) {
    throw new TypeError('A test request takes baseUrl, or subdomain and scheme, not both.')
  }
  let base: URL
  try {
    base = new URL(init.baseUrl ?? `${init.scheme ?? config.PREFERRED_URL_SCHEME ?? 'http'}://${config.SERVER_NAME || 'localhost'}/`)
  } catch {
    throw new TypeError(`The test request's baseUrl '${init.baseUrl}' is not a URL such as 'http://example.com/'.`)
  }
  let host = base.host
  let scheme = base.protocol.slice(0, -1)
  if (init.subdomain) host = `${init.subdomain}.${host}`
  let rest = path
  if (ABSOLUTE.test(path)) {
    const full = new URL(path)
    host = full.host
    scheme = full.protocol.slice(0, -1)
    rest = full.pathname + full.search
  } else {
    const root = base.pathname.replace(/\/+$/, '')
    const appRoot = (config.APPLICATION_ROOT ?? '/').replace(/\/+$/, '')
    if (root !== '' && root !== appRoot) {
      throw new TypeError(
        `The test request's base URL has the mount point '${root}', but APPLICATION_ROOT is '${appRoot || '/'}': ` +
          'Phial takes the mount point from APPLICATION_ROOT (or a trusted X-Forwarded-Prefix); set it there.',
      )
    }
  }
  if (scheme !== 'http' && scheme !== 'https') throw new TypeError(`A test request's scheme must be http or https (got '${scheme}').`)
  return { host, secure: scheme === 'https', url: rest.startsWith('/') ? rest : `/${rest}` }
}

function encodeMultipart(form: TestRequestInit['form'], files: NonNullable<TestRequestInit['files']>): { body: Buffer; contentType: string } {
  const boundary = `----phialtest${randomBytes(12).toString('hex')}`
  const chunks: Buffer[] = []
  const quote = (s: string): string => s.replace(/"/g, '%22').replace(/\r|\n/g, ' ')
  for (const [name, value] of Object.entries(form ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${item}\r\n`))
    }
  }
  for (const [name, value] of Object.entries(files)) {
    for (const file of Array.isArray(value) ? value : [value]) {
      const filename = file.filename ?? 'file'
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(filename)}"\r\n` +
            `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        Buffer.from(file.content),
        Buffer.from('\r\n'),
      )
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/**
 * The context of a test request for a path and test options, as the test
 * client and `app.testRequestContext` make it.
 *
 * @example
 * ```ts
 * const ctx = testRequestContextFor(app, '/search?q=x', { method: 'POST', json: { a: 1 } })
 * ctx.request.json // { a: 1 }
 * ```
 */
export function testRequestContextFor(app: AppCore, path: string, init: TestRequestInit = {}, cookieHeader?: string): Context {
  const target = targetOf(app, path, init)
  const headers: IncomingHttpHeaders = { host: target.host, 'user-agent': 'Phial-TestClient' }
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v as string
  let body: Buffer | null = null
  if (init.json !== undefined) {
    body = Buffer.from(JSON.stringify(init.json))
    headers['content-type'] ??= 'application/json'
  } else if (init.files !== undefined) {
    const encoded = encodeMultipart(init.form, init.files)
    body = encoded.body
    headers['content-type'] ??= encoded.contentType
  } else if (init.form !== undefined) {
    body = Buffer.from(encodeQuery(init.form))
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  } else if (init.data !== undefined) {
    body = Buffer.from(init.data)
    if (init.contentType) headers['content-type'] ??= init.contentType
  }
  if (body !== null) headers['content-length'] = String(body.length)
  if (cookieHeader) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookieHeader}` : cookieHeader
  let url = target.url
  if (init.query) {
    const qs = encodeQuery(init.query)
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return createRequestContext(app, {
    method: (init.method ?? 'GET').toUpperCase(),
    url,
    headers,
    remoteAddr: init.remoteAddr ?? '127.0.0.1',
    secure: target.secure,
    body,
  })
}
