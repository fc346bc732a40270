/**
 * `phial run`: the development server, and the reloader picking up an edit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURE_APP, freePort, httpGet, killAll, sleep, startPhial } from './helpers.ts'

const temps: string[] = []
afterAll(() => {
  killAll()
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

const PHIAL = pathToFileURL(join(import.meta.dirname, '../../src/index.ts')).href
const appSource = (text: string): string => `import { Phial } from '${PHIAL}'
export const app = new Phial(import.meta.url)
app.config.ACCESS_LOG = false
app.get('/', function index() { return '${text}' })
`

async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout
  let last: unknown
  while (Date.now() < end) {
    try {
      const value = await fn()
      if (ok(value)) return value
      last = value
    } catch (err) {
      last = err
    }
    await sleep(100)
  }
  throw new Error(`condition not met; last: ${String(last)}`)
}

describe('phial run', () => {
  it('serves the app and says where, without debug by default', async () => {
    const port = await freePort()
    const run = startPhial(['--app', FIXTURE_APP, 'run', '--port', String(port)])
    try {
      const [, url] = await run.waitFor(/Running on (http:\/\/127\.0\.0\.1:\d+)/)
      expect(url).toBe(`http://127.0.0.1:${port}`)
      expect(run.output()).toContain(" * Serving Phial app 'cli_app'\n * Debug mode: off\n")
      expect(await httpGet(`${url}/`)).toEqual({ status: 200, body: 'hello from cli_app' })
    } finally {
      run.proc.kill('SIGINT')
      expect((await run.exited).code).toBe(0)
    }
  })

  it('restarts on an edited file with --debug, on the same port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phial-reload-'))
    temps.push(dir)
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(dir, 'app.ts'), appSource('version one'))
    const port = await freePort()
    const run = startPhial(['run', '--debug', '--port', String(port)], { cwd: dir })
    try {
      const [, url] = await run.waitFor(/Running on (http:\/\/127\.0\.0\.1:\d+)/)
      expect(run.output()).toContain('Restarting with a file watcher')
      expect(run.output()).toContain('Debug mode: on')
      expect(await httpGet(`${url}/`)).toEqual({ status: 200, body: 'version one' })

      writeFileSync(join(dir, 'app.ts'), appSource('version two'))
      await run.waitFor(/Detected change in 'app.ts', reloading/)
      const res = await until(() => httpGet(`${url}/`), (r) => r.body === 'version two')
      expect(res.status).toBe(200)
      expect(run.output().match(/Running on/g)).toHaveLength(2)

      // a broken edit stops the app; the next good edit brings it back
      writeFileSync(join(dir, 'app.ts'), 'export const app = ;\n')
      await run.waitFor(/waiting for a file change/)
      writeFileSync(join(dir, 'app.ts'), appSource('version three'))
      expect((await until(() => httpGet(`${url}/`), (r) => r.body === 'version three')).status).toBe(200)
    } finally {
      run.proc.kill('SIGINT')
      expect((await run.exited).code).toBe(0)
    }
  }, 40_000)
})
