/**
 * The default JSON logger's destination (docs/logging.md, "Output"): lines
 * gathered and written in chunks of whole lines of at most 4096 bytes, at
 * the latest 100 ms after the first, error lines at once, nothing lost when
 * the process exits or gets SIGTERM. Each case runs in a child process with
 * stdout on a file, so that the file's size shows what was written when.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'phial-log-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const prelude = `
import { statSync, writeSync } from 'node:fs'
import { Phial } from ${JSON.stringify(index)}
const app = new Phial(import.meta.url, { name: 'buf', staticFolder: null, templateFolder: null })
const size = () => statSync(process.env.OUT).size
const report = (value) => writeSync(2, 'REPORT ' + JSON.stringify(value) + '\\n')
`

let runs = 0
/** Runs `body` after the prelude with stdout on a fresh file; its stderr lines are JSON reports. */
function run(body: string, env: Record<string, string> = {}) {
  const out = join(dir, `out-${runs++}.log`)
  const fd = openSync(out, 'w')
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', prelude + body], {
    env: { ...process.env, NODE_ENV: 'production', LOG_FORMAT: 'json', OUT: out, ...env },
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  })
  closeSync(fd)
  const text = readFileSync(out, 'utf8')
  const reports = r.stderr.split('\n').filter((l) => l.startsWith('REPORT ')).map((l) => JSON.parse(l.slice(7)) as unknown)
  return { status: r.status, signal: r.signal, stderr: r.stderr, text, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), reports }
}

describe('the default JSON destination', () => {
  it('writes whole lines in chunks of at most 4096 bytes, a lone line after about 100 ms', () => {
    const r = run(`
      const sizes = []
      for (let i = 0; i < 60; i++) { app.logger.info({ i, pad: 'x'.repeat(150) }, 'line'); sizes.push(size()) }
      report(sizes)
      await new Promise((resolve) => setTimeout(resolve, 300))
      report(size())
      const before = size()
      const t0 = performance.now()
      app.logger.info('alone')
      report(size() === before ? 'held' : 'written')
      while (size() === before) await new Promise((resolve) => setTimeout(resolve, 5))
      report(Math.round(performance.now() - t0))
    `)
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('REPORT ') && l !== '')).toEqual([])
    const [sizes, afterWait, held, waited] = r.reports as [number[], number, string, number]
    expect(r.lines.map((l) => l.i)).toEqual([...Array(60).keys(), undefined])
    expect(sizes[0]).toBe(0)
    const writes = [0, ...new Set(sizes.filter((n) => n > 0)), afterWait]
    for (let k = 1; k < writes.length; k++) {
      const [from, to] = [writes[k - 1]!, writes[k]!]
      expect(to - from).toBeLessThanOrEqual(4096)
      expect(r.text[to - 1]).toBe('\n')
    }
    // 60 lines of ~270 bytes: 4 or 5 writes while logging, the rest by the timer
    expect(new Set(sizes).size - 1).toBeGreaterThanOrEqual(3)
    expect(new Set(sizes).size - 1).toBeLessThanOrEqual(5)
    expect(afterWait).toBe(Buffer.byteLength(r.text) - Buffer.byteLength(r.text.split('\n').at(-2)!) - 1)
    expect(held).toBe('held')
    expect(waited).toBeGreaterThanOrEqual(50) // the timer counts from the loop's clock, which may be a little behind
    expect(waited).toBeLessThan(2000)
  })

  it('writes error and fatal lines at once, after the lines before them; logger.flush() writes what is held', () => {
    const r = run(`
      app.logger.info('first')
      const a = size()
      app.logger.error('broken')
      const b = size()
      app.logger.info('second')
      const c = size()
      app.logger.flush()
      const d = size()
      app.logger.info('third')
      app.logger.fatal('down')
      report([a, b, c, d, size()])
    `)
    const [a, b, c, d, e] = r.reports[0] as number[]
    expect(r.lines.map((l) => l.msg)).toEqual(['first', 'broken', 'second', 'third', 'down'])
    expect(a).toBe(0)
    expect(b).toBeGreaterThan(0)
    expect(c).toBe(b)
    expect(d).toBeGreaterThan(c!)
    expect(e).toBe(Buffer.byteLength(r.text))
  })

  it('loses nothing when the process ends: the loop empty, process.exit, an uncaught error', () => {
    const empty = run(`app.logger.info('a'); app.logger.child({ part: 2 }).info('b')`)
    expect(empty.status).toBe(0)
    expect(empty.lines.map((l) => l.msg)).toEqual(['a', 'b'])
    expect(empty.lines[1]!.part).toBe(2)
    const exited = run(`app.logger.info('a'); process.on('exit', () => app.logger.info('in exit')); process.exit(3)`)
    expect(exited.status).toBe(3)
    expect(exited.lines.map((l) => l.msg)).toEqual(['a', 'in exit'])
    const thrown = run(`app.logger.info('a'); setTimeout(() => { throw new Error('uncaught') }, 1)`)
    expect(thrown.status).toBe(1)
    expect(thrown.stderr).toContain('uncaught')
    expect(thrown.lines.map((l) => l.msg)).toEqual(['a'])
  })

  it('writes its lines on SIGTERM; alone it lets the signal end the process, beside the app\'s own listener it does not', () => {
    const alone = run(`app.logger.info('a'); setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM')`)
    expect(alone.signal).toBe('SIGTERM')
    expect(alone.lines.map((l) => l.msg)).toEqual(['a'])
    const handled = run(`
      app.logger.info('a')
      process.on('SIGTERM', () => { report(size() > 0 ? 'written' : 'held'); app.logger.info('b'); setTimeout(() => process.exit(0), 10) })
      setInterval(() => {}, 1000)
      process.kill(process.pid, 'SIGTERM')
    `)
    expect(handled.status).toBe(0)
    expect(handled.reports).toEqual(['written'])
    expect(handled.lines.map((l) => l.msg)).toEqual(['a', 'b'])
  })

  it('writes through process.stdout when that was replaced before the logger was made, as pino does', () => {
    const r = run(`
      const seen = []
      process.stdout.write = (chunk) => { seen.push(String(chunk)); return true }
      app.logger.info('through stdout')
      report(seen.length)
    `)
    expect(r.reports).toEqual([1])
    expect(r.text).toBe('')
  })

  // CPU-independent guard: the access log adds a write(2) per ~15 requests, not one per request
  it.skipIf(!existsSync('/proc/self/io'))('adds a write system call per 4 KiB of access lines, not one per request', () => {
    const body = `
      import { Agent, get } from 'node:http'
      import { readFileSync } from 'node:fs'
      app.config.ACCESS_LOG = process.env.ACCESS === '1'
      app.get('/hi', function hi() { return 'hi' })
      const srv = await app.run({ host: '127.0.0.1', port: 0, announce: false })
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      const once = () => new Promise((resolve, reject) => get({ host: '127.0.0.1', port: srv.port, path: '/hi', agent }, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject))
      const syscw = () => Number(/syscw: (\\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))[1])
      for (let i = 0; i < 20; i++) await once()
      const before = syscw()
      const t0 = performance.now()
      for (let i = 0; i < 300; i++) await once()
      report([syscw() - before, performance.now() - t0])
      agent.destroy()
      await srv.close()
    `
    const off = run(body, { ACCESS: '0' })
    const on = run(body, { ACCESS: '1' })
    expect(on.lines).toHaveLength(320)
    expect(off.lines).toHaveLength(0)
    const [[writesOn, ms], [writesOff]] = [on.reports[0], off.reports[0]] as [number, number][]
    const extra = writesOn! - writesOff!
    // a write per 4 KiB of lines (~20 here), plus one per 100 ms timer on a slow machine; pino's
    // thread-pool destination made 1.3 per request. The two processes' own socket writes differ by
    // a few dozen from run to run under load, hence the margin.
    const bytes = Buffer.byteLength(on.text) * (300 / 320)
    expect(extra).toBeLessThanOrEqual(Math.ceil(bytes / 4096) + Math.ceil(ms! / 100) + 40)
    expect(extra / 300).toBeLessThan(0.3)
  })

  it('writes the access line exactly as JSON.stringify would, in pino\'s key order, for paths that need escaping too', () => {
    const r = run(`
      import { Agent, request } from 'node:http'
      app.config.TRUST_PROXY = { for: 1 }
      app.get('/<path:rest>', function any() { return 'ok' })
      const srv = await app.run({ host: '127.0.0.1', port: 0, announce: false })
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      const send = (path, headers = {}) => new Promise((resolve, reject) =>
        request({ host: '127.0.0.1', port: srv.port, path, agent, headers }, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject).end())
      await send('/plain/path-1.txt')
      await send('/caf%C3%A9')
      await send('/quote%22and%5Cback')
      await send('/tab%09')
      await send('/from-proxy', { 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'lb-1234.abc' })
      await send('/from-proxy', { 'x-forwarded-for': '2001:db8::1' })
      agent.destroy()
      await srv.close()
    `)
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('REPORT ') && l !== '')).toEqual([])
    const raw = r.text.split('\n').filter((l) => l.includes('"durationMs"'))
    expect(raw.map((l) => (JSON.parse(l) as { path: string }).path)).toEqual([
      '/plain/path-1.txt', '/café', '/quote"and\\back', '/tab\t', '/from-proxy', '/from-proxy',
    ])
    for (const line of raw) {
      const parsed = JSON.parse(line) as Record<string, unknown>
      // same keys in pino's order, same escaping, the duration in its shortest form
      expect(line).toBe(JSON.stringify(parsed))
      expect(Object.keys(parsed)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'method', 'path', 'status', 'durationMs', 'requestId', 'remoteAddr', 'msg'])
      expect(parsed.msg).toBe(`GET ${parsed.path} 200 ${parsed.durationMs}ms`)
      expect(parsed).toMatchObject({ level: 30, name: 'buf', method: 'GET', status: 200 })
    }
    const [plain, , , , proxied, v6] = raw.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(plain!.remoteAddr).toBe('127.0.0.1')
    expect(plain!.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(proxied).toMatchObject({ remoteAddr: '203.0.113.9', requestId: 'lb-1234.abc' })
    expect(v6!.remoteAddr).toBe('2001:db8::1')
  })
})
