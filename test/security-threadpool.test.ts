/**
 * Issue 18: password hashing and file I/O share libuv's 4-thread pool; 60
 * concurrent wrong-password logins pushed a static file to 2.5 s. With
 * hashing bounded to half of the pool, a file read in the middle of 60
 * checks finishes long before them. Run in a child process (its own thread
 * pool, nothing else of the test run in it) and judged relatively: the read
 * against the whole batch, never against a fixed time.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SECURITY = fileURLToPath(new URL('../src/security.ts', import.meta.url))

const script = `
import { readFile } from 'node:fs/promises'
import { checkPasswordHash, generatePasswordHash } from ${JSON.stringify(SECURITY)}
const hash = await generatePasswordHash('correct horse battery staple')
const start = performance.now()
const checks = Array.from({ length: 60 }, () => checkPasswordHash(hash, 'wrong password'))
await new Promise((r) => setTimeout(r, 20))
const readStart = performance.now()
await readFile(${JSON.stringify(fileURLToPath(import.meta.url))})
const read = performance.now() - readStart
const results = await Promise.all(checks)
const total = performance.now() - start
process.stdout.write(JSON.stringify({ read, total, anyTrue: results.some(Boolean) }))
`

describe('password hashing leaves threads for file I/O (issue 18)', () => {
  it('a file read during 60 concurrent hash checks takes a small part of their time', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, UV_THREADPOOL_SIZE: '4' },
      timeout: 120_000,
    })
    expect(child.status, child.stderr).toBe(0)
    const { read, total, anyTrue } = JSON.parse(child.stdout) as { read: number; total: number; anyTrue: boolean }
    expect(anyTrue).toBe(false)
    // before: the read waited behind the queued hashes (about as long as all of them)
    expect(read, `read ${read.toFixed(0)} ms during ${total.toFixed(0)} ms of hashing`).toBeLessThan(total * 0.2)
  }, 130_000)
})
