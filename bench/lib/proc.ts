/**
 * Processes of the benchmark: servers pinned to a core, their memory, and a
 * small HTTP client for checks and readiness.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

/** Cores: servers on one, the load generator on the other (null: no pinning possible). */
export interface Pinning {
  server: string | null
  load: string | null
}

/** Prefixes a command with `taskset -c <core>` when pinning is on. */
export function pinned(core: string | null, command: readonly string[]): string[] {
  return core === null ? [...command] : ['taskset', '-c', core, ...command]
}

/** A running server. */
export interface Server {
  readonly child: ChildProcess
  readonly startedAt: number
  /** The last output of the server, for error messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts a command in its own process group, output kept (the last 8 kB).
 * With `stdoutTo` (a file, or `/dev/null`), the server's stdout goes straight
 * there — not through a pipe to this process, which runs on the load
 * generator's core — and only stderr is kept.
 *
 * @example
 * ```ts
 * const server = startServer(['node', 'app.js'], { PORT: '3000' })
 * const logging = startServer(['node', 'app.js'], { PORT: '3001' }, '/dev/null')
 * ```
 */
export function startServer(command: readonly string[], env: Record<string, string>, stdoutTo?: string): Server {
  const startedAt = performance.now()
  const fd = stdoutTo === undefined ? null : openSync(stdoutTo, 'a')
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
    detached: true,
  })
  if (fd !== null) closeSync(fd)
  let out = ''
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-8192)
  }
  child.stdout?.on('data', keep)
  child.stderr!.on('data', keep)
  let exited = false
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true
      resolve()
    })
    child.once('error', (err) => {
      out += `\n${String(err)}`
      exited = true
      resolve()
    })
  })
  return {
    child,
    startedAt,
    output: () => out,
    async stop() {
      if (exited || child.pid === undefined) return
      const group = -child.pid
      try {
        process.kill(group, 'SIGTERM')
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(group, 'SIGKILL')
        } catch {
          /* already gone */
        }
      }, 3000)
      await done
      clearTimeout(timer)
      // gunicorn's worker may outlive its master by a moment
      try {
        process.kill(group, 'SIGKILL')
      } catch {
        /* the group is empty */
      }
    },
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** The process and its descendants (taskset execs in place; gunicorn forks a worker). */
function tree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length && out.length < 64; i++) out.push(...children(out[i]!))
  return out
}

/**
 * Resident memory of a server's process tree, in bytes: `VmRSS` now, or
 * `VmHWM` (the peak since the process started).
 */
export function memory(server: Server, field: 'VmRSS' | 'VmHWM'): number {
  const pid = server.child.pid
  if (pid === undefined) return 0
  let sum = 0
  for (const p of tree(pid)) sum += statusField(p, field)
  return sum
}

/** An answer, body read. */
export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/**
 * One request over a fresh loopback connection.
 *
 * @example
 * ```ts
 * const a = await fetchOnce(3000, 'GET', '/json')
 * ```
 */
export function fetchOnce(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer, timeout = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, connection: 'close' }, agent: false, timeout }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeout} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Polls `path` until it answers 200 (every 2 ms, at most `limitMs`); returns
 * the time of the first answer.
 */
export async function waitReady(server: Server, port: number, path: string, limitMs = 20_000): Promise<number> {
  const deadline = performance.now() + limitMs
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output()}`)
    }
    try {
      const answer = await fetchOnce(port, 'GET', path, {}, undefined, 2000)
      if (answer.status === 200) return performance.now()
    } catch {
      /* not listening yet */
    }
    if (performance.now() > deadline) throw new Error(`no answer on ${path} within ${limitMs} ms:\n${server.output()}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

/** Runs a command to the end, output captured (bounded by `timeoutMs`). */
export function runToEnd(command: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-16384)))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ code: null, stdout, stderr: stderr + String(err) })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** True when `command` is on the PATH. */
export function which(command: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

/** CPU time (clock ticks) of a server's process tree. */
function treeTicks(server: Server): number {
  const pid = server.child.pid
  if (pid === undefined) return 0
  let sum = 0
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      sum += Number(fields[11]) + Number(fields[12])
    } catch {
      /* gone */
    }
  }
  return sum
}

/** Busy and total ticks of one core. */
function coreTicks(core: string): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${core} `))
  if (!line) return { busy: 0, total: 0 }
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  const total = v.reduce((a, b) => a + b, 0)
  const idle = (v[3] ?? 0) + (v[4] ?? 0)
  return { busy: total - idle, total }
}

/** What {@link watchCpu} measured. */
export interface CpuUse {
  /** CPU seconds the server's process tree used. */
  serverSeconds: number
  /** Share of the server's core that other processes used (0–1; NaN without pinning): the noise of a shared machine. */
  noise: number
}

const TICK = 1 / 100 // USER_HZ

/**
 * Starts measuring the CPU a server uses, and how much of its core other
 * processes take; the returned function stops and reports.
 *
 * @example
 * ```ts
 * const stop = watchCpu(server, '0'); await load(); const { serverSeconds, noise } = stop()
 * ```
 */
export function watchCpu(server: Server, core: string | null): () => CpuUse {
  const c0 = core === null ? null : coreTicks(core)
  const s0 = treeTicks(server)
  return () => {
    const s1 = treeTicks(server)
    const serverSeconds = (s1 - s0) * TICK
    if (core === null || c0 === null) return { serverSeconds, noise: NaN }
    const c1 = coreTicks(core)
    const total = c1.total - c0.total
    return { serverSeconds, noise: total > 0 ? Math.max(0, (c1.busy - c0.busy - (s1 - s0)) / total) : NaN }
  }
}

/** Resets the peak RSS (`VmHWM`) of a server's process tree, so that it measures the load only. */
export function resetPeak(server: Server): void {
  const pid = server.child.pid
  if (pid === undefined) return
  for (const p of tree(pid)) {
    try {
      writeFileSync(`/proc/${p}/clear_refs`, '5')
    } catch {
      /* not permitted, or gone: the peak then includes startup */
    }
  }
}
