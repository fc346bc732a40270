/**
 * The README contract: `npm start` serves the blog with no setup, creating its
 * database and its SECRET_KEY (instance/secret_key, mode 0600) on first start;
 * PORT picks the port. With NODE_ENV=production and no SECRET_KEY it refuses
 * to start, in one line.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
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
  it('serves the blog on PORT and creates the database and the secret key', async () => {
    const port = await freePort()
    const database = join(dir, 'blog.sqlite')
    const instance = join(dir, 'instance')
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PHIAL_DATABASE: JSON.stringify(database), BLOG_INSTANCE_PATH: instance, LOG_LEVEL: 'silent' }
    for (const name of ['SECRET_KEY', 'PHIAL_SECRET_KEY', 'NODE_ENV']) delete env[name]
    const child = spawn('npm', ['start', '--silent'], {
      env,
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
      const key = readFileSync(join(instance, 'secret_key'), 'utf8').trim()
      expect(key).toMatch(/^[0-9a-f]{64}$/)
      if (process.platform !== 'win32') expect(statSync(join(instance, 'secret_key')).mode & 0o777).toBe(0o600)
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        /* already gone */
      }
    }
  }, 40_000)

  it('refuses to start with NODE_ENV=production and no SECRET_KEY, in one line, exit 1', () => {
    const instance = join(dir, 'production-instance')
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PHIAL_DATABASE: JSON.stringify(join(dir, 'p.sqlite')), BLOG_INSTANCE_PATH: instance, NO_COLOR: '1' }
    for (const name of ['SECRET_KEY', 'PHIAL_SECRET_KEY']) delete env[name]
    const tsx = join(process.cwd(), 'node_modules/tsx/dist/cli.mjs')
    const start = spawnSync(process.execPath, [tsx, '--conditions=source', 'examples/blog/serve.ts'], { env, encoding: 'utf8', timeout: 60_000 })
    expect(start.status).toBe(1)
    expect(start.stderr.trim().split('\n')).toHaveLength(1)
    expect(start.stderr).toMatch(/^Error: NODE_ENV=production and no SECRET_KEY: set SECRET_KEY in the environment/)
    expect(existsSync(join(instance, 'secret_key'))).toBe(false)
    expect(existsSync(join(dir, 'p.sqlite'))).toBe(false)
  }, 60_000)
})
