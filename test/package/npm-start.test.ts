/**
 * Issue 9, item 5: `npm start` (examples/blog/serve.ts) on a busy port says so in
 * the same one line as `phial run`, and exits 1, instead of a raw EADDRINUSE stack.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO } from './helpers.ts'

let busy: Server
let port: number
const scratch = mkdtempSync(join(tmpdir(), 'phial-npm-start-'))

beforeAll(async () => {
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  port = (busy.address() as { port: number }).port
})

afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve))
  rmSync(scratch, { recursive: true, force: true })
})

describe('npm start on a busy port', () => {
  it('prints one line, the one phial run prints, and exits 1', () => {
    const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', PHIAL_DATABASE: join(scratch, 'blog.sqlite'), NO_COLOR: '1' }
    const tsx = join(REPO, 'node_modules/tsx/dist/cli.mjs')
    const start = spawnSync(process.execPath, [tsx, '--conditions=source', 'examples/blog/serve.ts'], { cwd: REPO, env, encoding: 'utf8', timeout: 60_000 })
    const expected = `Error: Could not listen on 127.0.0.1:${port}: the address is already in use.`
    expect(start.status).toBe(1)
    expect(start.stderr.trim()).toBe(expected)

    const run = spawnSync(process.execPath, [join(REPO, 'bin/phial.mjs'), '--app', 'examples/blog/app.ts', 'run', '--port', String(port)], { cwd: REPO, env, encoding: 'utf8', timeout: 60_000 })
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split('\n').at(-1)).toBe(expected)
  }, 120_000)
})
