/**
 * Issue 18, with real `phial serve` processes:
 * - a request that kills its worker must not starve the pool (it used to
 *   count as a boot failure: the back-off grew to 6.4 s and both workers
 *   were soon dead; 66–76% of other requests were answered);
 * - spooled upload files are removed before a graceful stop exits, and a
 *   starting worker sweeps the ones dead processes left behind.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, httpGet, killAll, sleep, startPhial, type Started } from '../cli/helpers.ts'

const APP = fileURLToPath(new URL('../fixtures/hardening_app/app.ts', import.meta.url))
const dirs: string[] = []
afterAll(() => {
  killAll()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phial-issue18-'))
  dirs.push(dir)
  return dir
}

async function serve(workers: number, env: Record<string, string> = {}): Promise<{ server: Started; base: string }> {
  const port = await freePort()
  const server = startPhial(['--app', APP, 'serve', '--port', String(port), '--workers', String(workers)], { env })
  const [, base] = await server.waitFor(/Listening at (http:\/\/127\.0\.0\.1:\d+)/, 60_000)
  const ready = new RegExp(Array.from({ length: workers }, () => 'worker \\d+ ready').join('[\\s\\S]*'))
  await server.waitFor(ready, 60_000)
  return { server, base }
}

const spoolFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('phial-upload-'))

/** Loops on GET /pid (a new connection each) while `attack()` runs; the share answered. */
async function answeredWhile(base: string, attack: () => Promise<void>): Promise<{ answered: number; total: number }> {
  let answered = 0
  let failed = 0
  let running = true
  const client = (async () => {
    while (running) {
      try {
        const res = await Promise.race([
          httpGet(`${base}/pid`, { headers: { connection: 'close' } }),
          sleep(5000).then(() => ({ status: 0, body: 'no answer in 5 s' })),
        ])
        if (res.status === 200) answered++
        else failed++
      } catch {
        failed++
        await sleep(10) // a refused connection fails at once: count it, do not spin
      }
    }
  })()
  await attack()
  running = false
  await client
  return { answered, total: answered + failed }
}

const hit = (url: string) => Promise.race([httpGet(url, { headers: { connection: 'close' } }), sleep(5000)])

describe('phial serve under crashing requests (issue 18)', () => {
  it('a worker killed by a request after it booted is replaced at once, without back-off', async () => {
    const { server, base } = await serve(2)
    try {
      const { answered, total } = await answeredWhile(base, async () => {
        for (let round = 0; round < 5; round++) {
          await hit(`${base}/exit`)
          await sleep(3000)
        }
      })
      const output = server.output()
      expect(output.match(/died \(code 70\); starting a new one$/gm)?.length ?? 0, output).toBeGreaterThanOrEqual(4)
      expect(output, 'no back-off for a worker that had booted').not.toMatch(/starting a new one in \d/)
      expect(answered / total, `${answered} of ${total} answered\n${output}`).toBeGreaterThanOrEqual(0.99)
    } finally {
      server.proc.kill('SIGTERM')
      await server.exited
    }
  }, 90_000)

  it('keeps answering: two crashing requests every 1.5 s, ≥ 99% of the healthy ones answered', async () => {
    const { server, base } = await serve(2)
    try {
      const { answered, total } = await answeredWhile(base, async () => {
        for (let round = 0; round < 6; round++) {
          await Promise.allSettled([hit(`${base}/crash`), hit(`${base}/crash`)])
          await sleep(1500)
        }
      })
      const output = server.output()
      expect(total).toBeGreaterThan(50)
      expect(answered / total, `${answered} of ${total} answered\n${output}`).toBeGreaterThanOrEqual(0.99)
      expect(output).toMatch(/had an uncaught error; replacing it/)
      expect(output).not.toMatch(/starting a new one in \d/)
      // the pool is whole again
      expect((await httpGet(`${base}/pid`)).status).toBe(200)
    } finally {
      server.proc.kill('SIGTERM')
      await server.exited
    }
  }, 90_000)
})

describe('spooled upload files (issue 18)', () => {
  it('are gone once a graceful stop has exited', async () => {
    const dir = tempDir()
    const { server, base } = await serve(1, { TMPDIR: dir })
    const form = new FormData()
    form.append('file', new Blob([Buffer.alloc(2 * 1024 * 1024, 7)]), 'big.bin')
    // the stop arrives while the upload's request is in flight: the worker
    // finishes it, then exits, and used to exit before removing its file
    const res = fetch(`${base}/upload?ms=800`, { method: 'POST', body: form, headers: { connection: 'close' } })
    await sleep(400)
    server.proc.kill('SIGTERM')
    expect(await (await res).json()).toEqual({ size: 2 * 1024 * 1024, spooledIn: dir })
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(spoolFiles(dir)).toEqual([])
  }, 90_000)

  it('left by a dead process are swept when a worker starts; a live process keeps its own', async () => {
    const dir = tempDir()
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const deadPid = Number(dead.stdout)
    const stale = `phial-upload-${deadPid}-0b7e3a52-4c1d-4f7a-9e2b-5d6c7b8a9f01`
    const mine = `phial-upload-${process.pid}-1c8f4b63-5d2e-4a8b-8f3c-6e7d8c9b0a12`
    const other = 'unrelated-file'
    for (const name of [stale, mine, other]) writeFileSync(join(dir, name), 'x')
    const { server } = await serve(1, { TMPDIR: dir })
    try {
      for (let i = 0; i < 50 && readdirSync(dir).includes(stale); i++) await sleep(100)
      // (tsx keeps its cache in the temp folder too)
      expect(readdirSync(dir).filter((n) => !n.startsWith('tsx-')).sort()).toEqual([mine, other].sort())
    } finally {
      server.proc.kill('SIGTERM')
      await server.exited
    }
  }, 90_000)
})
