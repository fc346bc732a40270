/**
 * Issue 18: the blog used to sign sessions with the public key 'dev'. Now
 * createApp() (as `npm start` and `phial --app examples/blog/app.ts` call
 * it) takes SECRET_KEY from the config or the environment, else keeps a
 * random one in instance/secret_key (mode 0600), and with NODE_ENV=production
 * refuses to start without a real key.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../../examples/blog/app.ts'
import { SecretKeyError, instanceSecretKey } from '../../../examples/blog/secret-key.ts'

const saved = { ...process.env }
let instance: string

beforeEach(() => {
  instance = mkdtempSync(join(tmpdir(), 'phial-blog-instance-'))
  process.env.BLOG_INSTANCE_PATH = instance
  for (const name of ['SECRET_KEY', 'PHIAL_SECRET_KEY', 'NODE_ENV']) delete process.env[name]
  process.env.PHIAL_LOG_LEVEL = '"silent"'
})

afterEach(() => {
  process.env = { ...saved }
  rmSync(instance, { recursive: true, force: true })
})

const keyFile = () => join(instance, 'secret_key')

describe('the SECRET_KEY of createApp()', () => {
  it('is made on first start, kept in instance/secret_key with mode 0600, and reused', () => {
    const first = createApp()
    const key = String(first.config.SECRET_KEY)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(readFileSync(keyFile(), 'utf8').trim()).toBe(key)
    if (process.platform !== 'win32') expect(statSync(keyFile()).mode & 0o777).toBe(0o600)
    expect(createApp().config.SECRET_KEY).toBe(key)
    // another instance folder, another key
    process.env.BLOG_INSTANCE_PATH = mkdtempSync(join(tmpdir(), 'phial-blog-instance-'))
    try {
      expect(createApp().config.SECRET_KEY).not.toBe(key)
    } finally {
      rmSync(process.env.BLOG_INSTANCE_PATH, { recursive: true, force: true })
    }
  })

  it('is never the public "dev" key, in tests either', () => {
    expect(createApp().config.SECRET_KEY).not.toBe('dev')
    expect(createApp({ TESTING: true }).config.SECRET_KEY).toMatch(/^[0-9a-f]{64}$/)
    expect(createApp({ TESTING: true, SECRET_KEY: 'given' }).config.SECRET_KEY).toBe('given')
  })

  it('comes from SECRET_KEY or PHIAL_SECRET_KEY in the environment when set, with no file made', () => {
    process.env.SECRET_KEY = 'k'.repeat(40)
    expect(createApp().config.SECRET_KEY).toBe('k'.repeat(40))
    process.env.PHIAL_SECRET_KEY = JSON.stringify('p'.repeat(40))
    expect(createApp().config.SECRET_KEY).toBe('p'.repeat(40))
    expect(existsSync(keyFile())).toBe(false)
  })

  it('with NODE_ENV=production: refused when missing or weak, accepted when real', () => {
    process.env.NODE_ENV = 'production'
    expect(() => createApp()).toThrow(SecretKeyError)
    expect(() => createApp()).toThrow(/NODE_ENV=production and no SECRET_KEY: set SECRET_KEY in the environment/)
    expect(existsSync(keyFile())).toBe(false)
    for (const weak of ['dev', 'short-key', 'change-me-to-a-long-random-string']) {
      process.env.SECRET_KEY = weak
      expect(() => createApp()).toThrow(/SECRET_KEY is a known or short key/)
    }
    process.env.SECRET_KEY = 'a'.repeat(16) + 'Zq9'.repeat(8)
    expect(createApp().config.SECRET_KEY).toBe(process.env.SECRET_KEY)
  })

  it('with NODE_ENV=production, a key file made earlier is used', () => {
    const made = instanceSecretKey(instance, { create: true })!.key
    process.env.NODE_ENV = 'production'
    expect(createApp().config.SECRET_KEY).toBe(made)
  })

  it('refuses a key file that holds no usable key', () => {
    writeFileSync(keyFile(), 'dev\n', { mode: 0o600 })
    expect(() => createApp()).toThrow(/holds no usable key \(3 characters, at least 32 needed\)/)
  })

  it('is the same key when several processes start at once', async () => {
    const script = `import { instanceSecretKey } from ${JSON.stringify(join(process.cwd(), 'examples/blog/secret-key.ts'))}; process.stdout.write(instanceSecretKey(process.argv[1], { create: true }).key)`
    const tsx = join(process.cwd(), 'node_modules/tsx/dist/cli.mjs')
    const run = promisify(execFile)
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, [tsx, '--conditions=source', '--eval', script, '--', instance], { encoding: 'utf8', timeout: 60_000 })),
    )
    const keys = runs.map((r) => r.stdout)
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set(keys).size).toBe(1)
    expect(keys[0]).toBe(readFileSync(keyFile(), 'utf8').trim())
  }, 120_000)
})
