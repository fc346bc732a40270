/** A throw-away app root with static files, for the static tests. */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Blueprint, Phial, type PhialOptions } from 'phial'

export interface Fixture {
  root: string
  big: Buffer
  cleanup(): void
}

/** 2024-01-02T03:04:05Z, a fixed mtime so Last-Modified is predictable. */
export const MTIME = new Date('2024-01-02T03:04:05Z')

export function makeFixture(): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'phial-static-'))
  const file = (rel: string, content: string | Buffer): void => {
    const full = join(root, rel)
    mkdirSync(join(full, '..'), { recursive: true })
    writeFileSync(full, content)
    utimesSync(full, MTIME, MTIME)
  }
  const big = Buffer.alloc(5 * 1024 * 1024)
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 11)) & 0xff
  file('secret.txt', 'top secret')
  file('static/hello.txt', 'Hello, static world!')
  file('static/css/site.css', 'body { color: red }')
  file('static/app.js', 'console.log(1)')
  file('static/data.json', '{"a":1}')
  file('static/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]))
  file('static/noext', 'no extension')
  file('static/empty.txt', '')
  file('static/%2e%2e/secret.txt', 'literal percent folder')
  file('static/big.bin', big)
  file('static/subdir/inner.txt', 'inner')
  file('admin/static/admin.css', '.admin {}')
  file('uploads/report.pdf', '%PDF-1.4 fake')
  return { root, big, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

export function makeApp(root: string, options: PhialOptions = {}): Phial {
  const app = new Phial(root, options)
  app.config.LOG_LEVEL = 'silent'
  app.config.TESTING = true
  return app
}

export function withAdmin(app: Phial, root: string): Blueprint {
  const admin = new Blueprint('admin', join(root, 'admin'), { staticFolder: 'static', staticUrlPath: '/admin-static', urlPrefix: '/admin' })
  app.register(admin)
  return admin
}
