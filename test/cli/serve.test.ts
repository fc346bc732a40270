/**
 * `phial serve`: the cluster as a process — workers, replacement of a dead
 * worker, graceful SIGTERM, SIGHUP reload under load, max-requests
 * recycling, TRUST_PROXY, and a boot failure.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURE_APP, FIXTURE_DIR, alive, freePort, httpGet, killAll, runPhial, sleep, startPhial, workerPid, type Started } from './helpers.ts'

afterAll(() => killAll())

async function startServe(args: string[]): Promise<{ server: Started; base: string }> {
  const port = await freePort()
  const server = startPhial(['--app', FIXTURE_APP, 'serve', '--port', String(port), ...args])
  const [, base] = await server.waitFor(/Listening at (http:\/\/127\.0\.0\.1:\d+)/)
  return { server, base }
}

/** Hits /pid on new connections until `count` distinct pids (other than `exclude`) were seen. */
async function distinctPids(base: string, count: number, exclude: number[] = [], tries = 200): Promise<Set<number>> {
  const seen = new Set<number>()
  for (let i = 0; i < tries && seen.size < count; i++) {
    try {
      const pid = await workerPid(base)
      if (!exclude.includes(pid)) seen.add(pid)
    } catch {
      await sleep(20)
    }
  }
  return seen
}

async function stop(server: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.proc.kill('SIGTERM')
  return server.exited
}

describe('phial serve', () => {
  it('runs two workers and replaces one that is killed', async () => {
    const { server, base } = await startServe(['--workers', '2'])
    try {
      await server.waitFor(/worker \d+ ready[\s\S]*worker \d+ ready/)
      const pids = await distinctPids(base, 2)
      expect(pids.size).toBe(2)
      expect(pids.has(server.proc.pid!)).toBe(false)

      const [victim, survivor] = [...pids]
      process.kill(victim, 'SIGKILL')
      await server.waitFor(new RegExp(`worker ${victim} died \\(signal SIGKILL\\)`))
      await server.waitFor(/worker \d+ ready[\s\S]*worker \d+ ready[\s\S]*worker \d+ ready/)
      const after = await distinctPids(base, 2, [victim])
      expect(after.size).toBe(2)
      expect(after.has(survivor)).toBe(true)
      expect(alive(victim)).toBe(false)

      // without --trust-proxy, X-Forwarded-* are ignored
      const where = await httpGet(`${base}/where`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } })
      expect(JSON.parse(where.body)).toMatchObject({ remoteAddr: '127.0.0.1', scheme: 'http' })
    } finally {
      expect(await stop(server)).toEqual({ code: 0, signal: null })
    }
  }, 30_000)

  it('finishes an in-flight request on SIGTERM, refuses new ones, then exits 0', async () => {
    const { server, base } = await startServe(['--workers', '1'])
    const slow = httpGet(`${base}/slow?ms=1500`)
    await sleep(300)
    server.proc.kill('SIGTERM')
    await server.waitFor(/SIGTERM: stopping gracefully/)
    await sleep(200)
    await expect(httpGet(`${base}/pid`)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(await slow).toEqual({ status: 200, body: 'slow done' })
    expect(await server.exited).toEqual({ code: 0, signal: null })
    expect(server.output()).toMatch(/stopped\n$/)
  }, 30_000)

  it('reloads every worker on SIGHUP under load without a failed request', async () => {
    const { server, base } = await startServe(['--workers', '2'])
    const agent = new Agent({ keepAlive: true, maxSockets: 20 })
    try {
      await server.waitFor(/worker \d+ ready[\s\S]*worker \d+ ready/)
      const before = await distinctPids(base, 2)
      let ok = 0
      const failures: string[] = []
      let loading = true
      const client = async (): Promise<void> => {
        while (loading) {
          try {
            await workerPid(base, agent)
            ok++
          } catch (err) {
            failures.push((err as NodeJS.ErrnoException).code ?? String(err))
          }
          await sleep(5) // constant, not saturating: the new workers need CPU to boot
        }
      }
      const load = Promise.all(Array.from({ length: 20 }, client))
      const hardStop = setTimeout(() => (loading = false), 15_000)
      try {
        await sleep(700)
        const okBefore = ok
        server.proc.kill('SIGHUP')
        // load goes on until both old workers have drained and exited
        await server.waitFor(/SIGHUP[\s\S]*(worker \d+ ready[\s\S]*){2}/, 15_000)
        await Promise.all([...before].map(async (pid) => {
          for (let i = 0; i < 100 && alive(pid); i++) await sleep(50)
        }))
        await sleep(300)
        expect(ok - okBefore).toBeGreaterThan(100)
      } finally {
        loading = false
        clearTimeout(hardStop)
        await load
      }
      console.log(`SIGHUP under load: ${ok} requests, ${failures.length} failed`)
      expect(failures).toEqual([])
      for (const old of before) expect(alive(old)).toBe(false)
      const fresh = await distinctPids(base, 2, [...before])
      expect(fresh.size).toBe(2)
    } finally {
      agent.destroy()
      expect(await stop(server)).toEqual({ code: 0, signal: null })
    }
  }, 30_000)

  it('recycles a worker after --max-requests, and trusts one proxy per header with --trust-proxy for=1,proto=1,host=1', async () => {
    const { server, base } = await startServe(['--workers', '1', '--max-requests', '5', '--trust-proxy', 'for=1,proto=1,host=1'])
    try {
      const where = await httpGet(`${base}/where`, {
        headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com', 'x-forwarded-prefix': '/not-trusted' },
      })
      expect(JSON.parse(where.body)).toEqual({ remoteAddr: '203.0.113.7', scheme: 'https', url: 'https://example.com/where' })
      const seen = new Set<number>()
      for (const until = Date.now() + 10_000; Date.now() < until && seen.size < 2; ) {
        const { status, body } = await httpGet(`${base}/pid`)
        expect(status).toBe(200)
        seen.add((JSON.parse(body) as { pid: number }).pid)
        await sleep(20)
      }
      expect(seen.size).toBe(2)
      expect(server.output()).toMatch(/served its max requests; replacing it/)
    } finally {
      expect(await stop(server)).toEqual({ code: 0, signal: null })
    }
  }, 30_000)

  it('exits with 3 when no worker can boot, and with 2 on a bad worker count', async () => {
    const port = await freePort()
    const { code, output } = await runPhial(['--app', `${FIXTURE_DIR}broken.ts`, 'serve', '--workers', '2', '--port', String(port)])
    expect(code).toBe(3)
    expect(output).toContain('boom at import time')
    expect(output).toMatch(/failed to boot/)
    expect(output).toContain('Error: No worker could boot; see the errors above.')
    const bad = await runPhial(['--app', FIXTURE_APP, 'serve'], { env: { WEB_CONCURRENCY: 'lots' } })
    expect(bad).toEqual({ code: 2, output: 'Error: Invalid number of workers: NaN (check WEB_CONCURRENCY).\n' })
  }, 30_000)

  // The flaky form of the test above (exit 1 on a loaded machine): the master
  // learns that the first worker died, drains the second, which has died too
  // but whose channel's EOF is not read yet, and the write fails with EPIPE,
  // an 'error' event on the Worker. This preload makes that order certain:
  // the second worker is held (SIGSTOP) until the first is dead, and the
  // master's event loop is kept busy until both are, so it can handle the
  // exits before the second EOF.
  it('exits with 3 when both workers die before the master hears of either', async () => {
    const preload = join(tmpdir(), `phial-serve-race-${process.pid}.mjs`)
    writeFileSync(preload, `
      import cluster from 'node:cluster'
      import { readFileSync } from 'node:fs'
      const dead = (pid) => { try { return readFileSync('/proc/' + pid + '/stat', 'utf8').split(' ')[2] === 'Z' } catch { return true } }
      const spinUntil = (ok) => { for (const until = Date.now() + 15000; Date.now() < until && !ok(); ); }
      if (cluster.isPrimary) {
        const pids = []
        cluster.on('fork', (worker) => {
          pids.push(worker.process.pid)
          if (pids.length === 2) {
            process.kill(pids[1], 'SIGSTOP')
            setImmediate(() => {
              spinUntil(() => dead(pids[0]))
              process.kill(pids[1], 'SIGCONT')
              spinUntil(() => dead(pids[1]))
            })
          }
        })
      }
    `)
    // Whether Node reports that write's EPIPE at once (the crash) or drops
    // it varies, about one run in two before the fix: three runs
    try {
      for (let run = 0; run < 3; run++) {
        const port = await freePort()
        const { code, output } = await runPhial(['--app', `${FIXTURE_DIR}broken.ts`, 'serve', '--workers', '2', '--port', String(port)], {
          env: { NODE_OPTIONS: `--import=${preload}` },
        })
        expect(output).not.toContain('EPIPE')
        expect(output).toMatch(/failed to boot/)
        expect(code).toBe(3)
      }
    } finally {
      rmSync(preload, { force: true })
    }
  }, 60_000)
})
