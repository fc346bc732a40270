/**
 * A CPU-independent guard of startup (issue 12): what importing Phial makes
 * Node load. On Node 24 an ES-module import of `node:http` evaluates its
 * lazy `WebSocket` / `CloseEvent` / `MessageEvent` getters, which compile
 * undici — ~45 ms of CPU of a ~200 ms start (src/http/node-http.ts). The
 * package and the extensions that serve (rest, websocket, socketio, login,
 * sql) must not do that; a new `import … from 'node:http'` anywhere on the
 * import path fails this test on Node 24 (Node 20 has no such getters, and
 * passes either way).
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('importing phial', () => {
  it('does not load undici (node:http is required, not imported as an ES module)', () => {
    const script = [
      "for (const m of ['phial', 'phial/rest', 'phial/websocket', 'phial/socketio', 'phial/login', 'phial/sql']) await import(m)",
      "process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))))",
    ].join('\n')
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    expect(JSON.parse(out)).toEqual([])
  }, 60_000)
})
