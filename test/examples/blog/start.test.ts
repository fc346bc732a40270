/**
 * The README contract: `npm start` serves the blog with no setup, creating its
 * database on first start; PORT picks the port.
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

const dir = mkdtempSync(join(tmpdir(), 'phial-start-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm start', () => {
  it('serves the blog on PORT and creates the database', async () => {
    const port = await freePort()
    const database = join(dir, 'blog.sqlite')
    const child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: String(port), PHIAL_DATABASE: JSON.stringify(database), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    try {
      let res: Response | undefined
      for (let i = 0; i < 150 && !res; i++) {
        await new Promise((r) => setTimeout(r, 100))
        res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined)
      }
      expect(res, output).toBeDefined()
      expect(res!.status).toBe(200)
      const html = await res!.text()
      expect(html).toContain('Flaskr')
      expect(html).toContain('Log In')
      expect(existsSync(database)).toBe(true)
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        /* already gone */
      }
    }
  }, 40_000)
})
