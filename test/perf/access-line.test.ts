/**
 * The access line of Phial's own JSON logger is written without pino's
 * serializer (bench/OPTIMISATIONS.md #6): it must be the line pino would
 * write — same keys, order and escaping — and a replaced logger must still
 * get it through pino. Runs in a child process: the default logger writes
 * to fd 1.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url))

const script = `
import { Phial, toNodeHandler } from ${JSON.stringify(index)}
const app = new Phial(import.meta.url, { name: 'line "test"', staticFolder: null, templateFolder: null })
app.get('/<path:p>', function any({ p }) { return p })
const handler = toNodeHandler(app)
const socket = { remoteAddress: '203.0.113.9', encrypted: false }
for (const url of ['/caf%C3%A9/%22q%22%0A', '/%E2%80%A8x', '/missing/..']) {
  const res = { statusCode: 200, headersSent: false, writeHead(s) { this.statusCode = s; this.headersSent = true }, end() {} }
  handler({ method: 'GET', url, headers: { host: 'localhost' }, socket, complete: true }, res)
}
// a request id from a trusted proxy is written unquoted only because it matched REQUEST_ID: one that did not is replaced
app.config.TRUST_PROXY = 1
for (const id of ['edge-7.a:b@c', 'bad"id\\\\']) {
  const res = { statusCode: 200, headersSent: false, writeHead(s) { this.statusCode = s; this.headersSent = true }, end() {} }
  handler({ method: 'GET', url: '/id', headers: { host: 'localhost', 'x-request-id': id }, socket, complete: true }, res)
}
// the same fields through pino itself, for comparison
app.logger.info({ method: 'GET', path: '/x"\\n\\u2028', status: 200, durationMs: 1.5, requestId: 'id', remoteAddr: null }, 'GET /x 200 1.5ms')
`

function run(env: Record<string, string>): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_ENV: 'production', LOG_FORMAT: 'json', ...env },
    encoding: 'utf8',
  })
  expect(r.stderr).toBe('')
  return r.stdout.trim().split('\n')
}

describe('the access line of the default JSON logger', () => {
  it('is the line pino writes: level, time, bindings, fields in order, msg', () => {
    const lines = run({})
    expect(lines).toHaveLength(6)
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const line of parsed.slice(0, 3)) {
      expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'method', 'path', 'status', 'durationMs', 'requestId', 'remoteAddr', 'msg'])
      expect(line).toMatchObject({ level: 30, name: 'line "test"', method: 'GET', status: 200, remoteAddr: '203.0.113.9' })
      expect(line.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(line.msg).toBe(`GET ${String(line.path)} 200 ${String(line.durationMs)}ms`)
    }
    expect(parsed[0]!.path).toBe('/café/"q"\n')
    expect(parsed[1]!.path).toBe('/\u2028x')
    // the same bindings prefix and escaping as pino's own line
    const prefix = (l: string) => l.slice(0, l.indexOf(',"method"')).replace(/"time":\d+/, '')
    expect(prefix(lines[0]!)).toBe(prefix(lines[5]!))
    expect(lines[5]).toContain('"path":"/x\\"\\n\u2028"')
    expect(lines[1]).toContain('"path":"/\u2028x"')
    // ids differ per request
    expect(new Set(parsed.slice(0, 3).map((l) => l.requestId)).size).toBe(3)
    // a proxy's id: kept when it matches the pattern, replaced (and the line still JSON) when not
    expect(parsed[3]!.requestId).toBe('edge-7.a:b@c')
    expect(parsed[4]!.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/)
  })
})
