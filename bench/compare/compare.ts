/**
 * Before/after on one machine in one run: starts the same three-route app
 * (server.ts) on two checkouts of Phial, both pinned to core 0, and loads
 * them alternately from core 1 — round after round, scenario after scenario,
 * the two versions back to back — so that a loaded, shared machine slows
 * both alike. Prints requests per second per round and the medians.
 *
 *   node --import tsx bench/compare/compare.ts --before=/tmp/phial-before [--after=.] [--rounds=6] [--seconds=3] [--connections=32]
 *
 * The load generator is a small keep-alive client on raw sockets (no
 * pipelining): it learns the response size from the first answer and counts
 * complete answers, so it stays far cheaper than the server it loads.
 *
 * Besides requests per second it reports the server's CPU time per request
 * (user + system, from /proc/<pid>/stat): on a machine that other work keeps
 * busy, throughput swings with what else runs, while the CPU a request costs
 * stays put, so that is the figure to compare.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const versions = { before: resolve(arg('before', '')), after: resolve(arg('after', '.')) }
if (!arg('before', '')) throw new Error('--before=DIR is required (a checkout of the starting commit)')
const ROUNDS = Number(arg('rounds', '6'))
const SECONDS = Number(arg('seconds', '3'))
const CONNECTIONS = Number(arg('connections', '32'))
const SCENARIOS = { plaintext: '/plaintext', json: '/json', param: '/users/12345' }
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url))

/** CPU seconds (user + system) a process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

function start(root: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, PHIAL_ROOT: root, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  spawn('taskset', ['-p', '-c', '0', String(child.pid)], { stdio: 'ignore' })
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok(child))
    child.on('exit', (code) => fail(new Error(`server for ${root} exited with ${code}`)))
  })
}

/** One answer, whole, to learn its size. */
function sizeOf(port: number, path: string): Promise<number> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`))
    let buf = Buffer.alloc(0)
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      const end = buf.indexOf('\r\n\r\n')
      if (end === -1) return
      const length = Number(/content-length: (\d+)/i.exec(buf.subarray(0, end).toString())?.[1])
      if (buf.length >= end + 4 + length) {
        if (!buf.subarray(0, 12).toString().endsWith('200')) fail(new Error(`${path}: ${buf.subarray(0, 40).toString()}`))
        s.destroy()
        ok(end + 4 + length)
      }
    })
    s.on('error', fail)
  })
}

/** Requests per second and server CPU µs per request over `seconds`, `connections` keep-alive sockets, one request in flight each. */
async function load(port: number, pid: number, path: string, seconds: number, connections: number): Promise<[number, number]> {
  const size = await sizeOf(port, path)
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
  let done = 0
  let counting = false
  const sockets: Socket[] = []
  for (let i = 0; i < connections; i++) {
    const s = connect(port, '127.0.0.1')
    s.setNoDelay(true)
    let pending = 0
    s.on('connect', () => s.write(request))
    s.on('data', (d: Buffer) => {
      pending += d.length
      while (pending >= size) {
        pending -= size
        if (counting) done++
        s.write(request)
      }
    })
    s.on('error', () => {})
    sockets.push(s)
  }
  await new Promise((r) => setTimeout(r, 300)) // connections up, JIT warm
  counting = true
  const t0 = performance.now()
  const cpu0 = cpuSeconds(pid)
  await new Promise((r) => setTimeout(r, seconds * 1000))
  counting = false
  const cpu = cpuSeconds(pid) - cpu0
  const elapsed = (performance.now() - t0) / 1000
  const n = done
  for (const s of sockets) s.destroy()
  return [n / elapsed, (cpu / n) * 1e6]
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const ports = { before: 22011, after: 22012 }
const servers = [await start(versions.before, ports.before), await start(versions.after, ports.after)]
const pids = { before: servers[0]!.pid!, after: servers[1]!.pid! }
try {
  // warm-up: each route on each server
  for (const path of Object.values(SCENARIOS)) for (const v of ['before', 'after'] as const) await load(ports[v], pids[v], path, 1, CONNECTIONS)
  const results: Record<string, { before: number[]; after: number[] }> = {}
  const cpu: Record<string, { before: number[]; after: number[] }> = {}
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, path] of Object.entries(SCENARIOS)) {
      const r = (results[name] ??= { before: [], after: [] })
      const c = (cpu[name] ??= { before: [], after: [] })
      // alternate which version goes first, so that neither always follows the other
      const order = round % 2 ? (['before', 'after'] as const) : (['after', 'before'] as const)
      for (const v of order) {
        const [rps, us] = await load(ports[v], pids[v], path, SECONDS, CONNECTIONS)
        r[v].push(rps)
        c[v].push(us)
      }
      process.stdout.write(
        `round ${round} ${name.padEnd(9)} before ${r.before.at(-1)!.toFixed(0)} req/s ${c.before.at(-1)!.toFixed(1)} µs  ` +
          `after ${r.after.at(-1)!.toFixed(0)} req/s ${c.after.at(-1)!.toFixed(1)} µs\n`,
      )
    }
  }
  process.stdout.write(`\nmedians over ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections (server on core 0, load on core 1):\n`)
  for (const [name, r] of Object.entries(results)) {
    const b = median(r.before)
    const a = median(r.after)
    const cb = median(cpu[name]!.before)
    const ca = median(cpu[name]!.after)
    process.stdout.write(
      `${name.padEnd(9)} req/s before ${b.toFixed(0).padStart(6)} after ${a.toFixed(0).padStart(6)} (${(((a - b) / b) * 100).toFixed(1)} %)   ` +
        `CPU/request before ${cb.toFixed(1)} µs after ${ca.toFixed(1)} µs (${(((ca - cb) / cb) * 100).toFixed(1)} %)\n`,
    )
  }
} finally {
  for (const s of servers) s.kill()
}
