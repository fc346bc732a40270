/**
 * The README contract: `npm run conduit` migrates a new database and serves
 * the API on PORT under /api, with its OpenAPI document and docs page.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'phial-conduit-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run conduit', () => {
  it('serves the API on PORT after creating the database', async () => {
    const port = await freePort()
    const database = join(dir, 'conduit.sqlite')
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATABASE_URL: `sqlite:///${database}`, PHIAL_LOG_LEVEL: '"silent"' }
    const child = spawn('npm', ['run', 'conduit', '--silent'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    try {
      let res: Response | undefined
      for (let i = 0; i < 200 && !res; i++) {
        await new Promise((r) => setTimeout(r, 100))
        res = await fetch(`http://127.0.0.1:${port}/api/tags`).catch(() => undefined)
      }
      expect(res, output).toBeDefined()
      expect(res!.status).toBe(200)
      expect(await res!.json()).toEqual({ tags: [] })
      expect(existsSync(database)).toBe(true)
      const base = `http://127.0.0.1:${port}/api`
      const reg = await fetch(`${base}/users`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: { username: 'alice', email: 'alice@example.com', password: 'pw' } }) })
      expect(reg.status).toBe(201)
      const token = ((await reg.json()) as { user: { token: string } }).user.token
      const created = await fetch(`${base}/articles`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` },
        body: JSON.stringify({ article: { title: 'Hello', description: 'd', body: 'b', tagList: ['x'] } }),
      })
      expect(created.status).toBe(201)
      const list = (await (await fetch(`${base}/articles`)).json()) as { articlesCount: number }
      expect(list.articlesCount).toBe(1)
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200)
      expect((await fetch(`${base}/docs`)).status).toBe(200)
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        /* already gone */
      }
    }
  }, 60_000)
})
