import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { pino, stdSerializers, type Logger } from 'pino'
import { Phial, type RunningServer } from '../src/index.ts'
import { wantsPrettyLogs } from '../src/logging.ts'

type Line = Record<string, any>

/** A logger that keeps its JSON lines in memory. */
function capture(level = 'info'): { lines: Line[]; logger: Logger } {
  const lines: Line[] = []
  const logger = pino({ level, serializers: { err: stdSerializers.err } }, {
    write(chunk: string) {
      lines.push(JSON.parse(chunk))
    },
  })
  return { lines, logger }
}

function makeApp(config: Record<string, unknown> = {}): { app: Phial; lines: Line[] } {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  // the echo is opt-in; these tests read the id the client sees
  app.config.fromMapping({ REQUEST_ID_HEADER: 'X-Request-ID', ...config })
  const { lines, logger } = capture()
  app.logger = logger
  app.get('/hello', function hello() {
    return 'hi'
  })
  app.get('/boom', function boom() {
    throw new Error('kaboom')
  })
  app.post('/echo', function echo() {
    return 'ok'
  })
  return { app, lines }
}

async function until<T>(fn: () => T | undefined, ms = 2000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = fn()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error('timed out waiting for a log line')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const access = (lines: Line[], path: string) => () => lines.find((l) => l.path === path && l.status !== undefined)

let servers: RunningServer[] = []
async function start(app: Phial): Promise<RunningServer> {
  const srv = await app.run({ port: 0, announce: false })
  servers.push(srv)
  return srv
}
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

describe('access line (Node adapter)', () => {
  it('logs method, path, status, duration, request id and client address once the response is written', async () => {
    const { app, lines } = makeApp()
    const srv = await start(app)
    const res = await fetch(`${srv.url}/hello?secret=1`)
    expect(await res.text()).toBe('hi')
    const line = await until(access(lines, '/hello'))
    expect(line).toMatchObject({ level: 30, method: 'GET', path: '/hello', status: 200, remoteAddr: '127.0.0.1' })
    expect(typeof line.durationMs).toBe('number')
    expect(line.durationMs).toBeGreaterThanOrEqual(0)
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(line.requestId).toBe(res.headers.get('x-request-id'))
    expect(line.msg).toMatch(/^GET \/hello 200 [\d.]+ms$/)
    expect(JSON.stringify(line)).not.toContain('secret')
    expect(lines.filter((l) => l.path === '/hello')).toHaveLength(1)
  })

  it('logs 404s and POSTs with their status', async () => {
    const { app, lines } = makeApp()
    const srv = await start(app)
    await (await fetch(`${srv.url}/nope`)).text()
    await (await fetch(`${srv.url}/echo`, { method: 'POST', body: 'x' })).text()
    expect(await until(access(lines, '/nope'))).toMatchObject({ status: 404, method: 'GET' })
    expect(await until(access(lines, '/echo'))).toMatchObject({ status: 200, method: 'POST' })
  })

  it('logs after a streamed body has been sent', async () => {
    const { app, lines } = makeApp()
    app.get('/stream', function stream() {
      return (async function* () {
        yield 'a'
        await new Promise((r) => setTimeout(r, 30))
        yield 'b'
      })()
    })
    const srv = await start(app)
    expect(await (await fetch(`${srv.url}/stream`)).text()).toBe('ab')
    const line = await until(access(lines, '/stream'))
    expect(line.durationMs).toBeGreaterThanOrEqual(25)
  })

  it('logs nothing when the level is above info, or with ACCESS_LOG = false', async () => {
    const quiet = makeApp()
    const { lines, logger } = capture('warn')
    quiet.app.logger = logger
    const off = makeApp({ ACCESS_LOG: false })
    const a = await start(quiet.app)
    const b = await start(off.app)
    const res = await fetch(`${a.url}/hello`)
    await res.text()
    await (await fetch(`${b.url}/hello`)).text()
    await new Promise((r) => setTimeout(r, 50))
    expect(lines).toEqual([])
    expect(off.lines).toEqual([])
    // the id is still echoed
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('500 error line', () => {
  it('logs the error with its stack and the request id the client sees, then the access line', async () => {
    const { app, lines } = makeApp()
    const srv = await start(app)
    const res = await fetch(`${srv.url}/boom`)
    expect(res.status).toBe(500)
    await res.text()
    const id = res.headers.get('x-request-id')
    const error = await until(() => lines.find((l) => l.level === 50))
    expect(error.msg).toBe('Exception on /boom [GET]')
    expect(error.requestId).toBe(id)
    expect(error.err.message).toBe('kaboom')
    expect(error.err.stack).toContain('Error: kaboom')
    expect(error.err.stack).toContain('logging.test.ts')
    const line = await until(access(lines, '/boom'))
    expect(line).toMatchObject({ status: 500, requestId: id })
    expect(lines.indexOf(error)).toBeLessThan(lines.indexOf(line))
  })

  it('logs a propagated error (PROPAGATE_EXCEPTIONS) and its 500 too', async () => {
    const { app, lines } = makeApp({ PROPAGATE_EXCEPTIONS: true })
    const srv = await start(app)
    const res = await fetch(`${srv.url}/boom`)
    expect(res.status).toBe(500)
    await res.text()
    const error = await until(() => lines.find((l) => l.level === 50))
    expect(error.err.stack).toContain('kaboom')
    const line = await until(access(lines, '/boom'))
    expect(line.status).toBe(500)
    expect(line.requestId).toBe(error.requestId)
  })
})

describe('X-Request-ID', () => {
  it('is a fresh UUID per request, ignoring the client header without TRUST_PROXY', async () => {
    const { app, lines } = makeApp()
    const srv = await start(app)
    const a = await fetch(`${srv.url}/hello`, { headers: { 'X-Request-ID': 'client-chosen' } })
    const b = await fetch(`${srv.url}/hello`)
    await a.text()
    await b.text()
    const idA = a.headers.get('x-request-id')!
    expect(idA).not.toBe('client-chosen')
    expect(idA).toMatch(/^[0-9a-f-]{36}$/)
    expect(b.headers.get('x-request-id')).not.toBe(idA)
    await until(() => (lines.filter((l) => l.path === '/hello').length === 2 ? true : undefined))
    expect(lines.map((l) => l.requestId)).toEqual([idA, b.headers.get('x-request-id')])
  })

  it('trusts the proxy header behind TRUST_PROXY, and only a well-formed one', async () => {
    const { app, lines } = makeApp({ TRUST_PROXY: 1 })
    const srv = await start(app)
    const res = await fetch(`${srv.url}/hello`, { headers: { 'X-Request-ID': 'lb-1234.abc', 'X-Forwarded-For': '203.0.113.9' } })
    await res.text()
    expect(res.headers.get('x-request-id')).toBe('lb-1234.abc')
    expect(await until(access(lines, '/hello'))).toMatchObject({ requestId: 'lb-1234.abc', remoteAddr: '203.0.113.9' })
    const bad = await fetch(`${srv.url}/hello`, { headers: { 'X-Request-ID': 'has spaces <script>' } })
    await bad.text()
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('is not echoed by default (REQUEST_ID_HEADER is null), while the lines still carry it', async () => {
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    const { lines, logger } = capture()
    app.logger = logger
    app.get('/hello', function hello() {
      return 'hi'
    })
    expect(app.config.REQUEST_ID_HEADER).toBeNull()
    const srv = await start(app)
    const res = await fetch(`${srv.url}/hello`)
    await res.text()
    expect(res.headers.get('x-request-id')).toBeNull()
    expect((await until(access(lines, '/hello'))).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('is echoed under REQUEST_ID_HEADER, or not at all when it is null', async () => {
    const custom = makeApp({ REQUEST_ID_HEADER: 'X-Trace-Id' })
    const none = makeApp({ REQUEST_ID_HEADER: null })
    const a = await start(custom.app)
    const b = await start(none.app)
    const ra = await fetch(`${a.url}/hello`)
    const rb = await fetch(`${b.url}/hello`)
    await ra.text()
    await rb.text()
    expect(ra.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(ra.headers.get('x-request-id')).toBeNull()
    expect(rb.headers.get('x-request-id')).toBeNull()
    expect((await until(access(none.lines, '/hello'))).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('overrides a stale id on a response object a view reuses', async () => {
    const { app } = makeApp()
    const { Response } = await import('../src/index.ts')
    const shared = new Response('shared')
    app.get('/shared', function sharedView() {
      return shared
    })
    const srv = await start(app)
    const a = await fetch(`${srv.url}/shared`)
    const b = await fetch(`${srv.url}/shared`)
    await a.text()
    await b.text()
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
  })
})

describe('other adapters', () => {
  it('app.fetch logs the access line and echoes the id', async () => {
    const { app, lines } = makeApp()
    const res = await app.fetch(new Request('http://localhost/hello'), { remoteAddr: '10.0.0.7' })
    expect(await res.text()).toBe('hi')
    const line = lines.find((l) => l.path === '/hello')!
    expect(line).toMatchObject({ method: 'GET', status: 200, remoteAddr: '10.0.0.7', requestId: res.headers.get('x-request-id') })
  })

  it('the test client logs nothing unless asked', async () => {
    const { app, lines } = makeApp()
    await app.testClient().get('/hello')
    expect(lines).toEqual([])
    const res = await app.testClient({ accessLog: true }).get('/hello')
    expect(res.text).toBe('hi')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ method: 'GET', path: '/hello', status: 200, remoteAddr: '127.0.0.1' })
  })
})

describe('output format', () => {
  it('is readable only in development on a terminal, or with LOG_FORMAT=pretty; JSON otherwise', () => {
    const app = new Phial(import.meta.url, { staticFolder: null })
    expect(wantsPrettyLogs(app, {}, true)).toBe(true)
    expect(wantsPrettyLogs(app, {}, false)).toBe(false)
    expect(wantsPrettyLogs(app, { LOG_FORMAT: 'pretty' }, false)).toBe(true)
    expect(wantsPrettyLogs(app, { LOG_FORMAT: 'json' }, true)).toBe(false)
    expect(wantsPrettyLogs(app, { NODE_ENV: 'production' }, true)).toBe(false)
    expect(wantsPrettyLogs(app, { NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, true)).toBe(false)
    app.debug = true
    expect(wantsPrettyLogs(app, { NODE_ENV: 'production' }, true)).toBe(true)
    app.config.LOG_FORMAT = 'json'
    expect(wantsPrettyLogs(app, { LOG_FORMAT: 'pretty' }, true)).toBe(false)
  })

  it('writes pretty lines synchronously to stdout, JSON lines in production, at LOG_LEVEL', () => {
    const script = `
      import { Phial } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))}
      const app = new Phial(import.meta.url, { staticFolder: null })
      app.config.LOG_LEVEL = process.env.LEVEL ?? 'info'
      app.logger.debug('hidden unless debug')
      app.logger.info({ user: 7 }, 'hello there')
      process.exit(0) // a worker transport would lose the line here
    `
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, NODE_ENV: '', LOG_FORMAT: '', ...env },
        encoding: 'utf8',
      })
    const pretty = run({ LOG_FORMAT: 'pretty' })
    expect(pretty.stderr).toBe('')
    expect(pretty.stdout).toMatch(/INFO.*hello there/)
    expect(pretty.stdout).toContain('user: 7')
    expect(pretty.stdout.trim().startsWith('{')).toBe(false)
    const json = run({ NODE_ENV: 'production' })
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 30, msg: 'hello there', user: 7 })
    const debug = run({ NODE_ENV: 'production', LEVEL: 'debug' })
    expect(debug.stdout.trim().split('\n')).toHaveLength(2)
  })
})
