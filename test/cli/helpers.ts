/**
 * Starting the real `phial` command as a process in tests: every process
 * runs in its own process group and is killed (with its workers) by
 * `killAll()`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/phial.mjs', import.meta.url))
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/cli_app/', import.meta.url))
export const FIXTURE_APP = fileURLToPath(new URL('../fixtures/cli_app/app.ts', import.meta.url))

/** The environment of spawned commands: the sources, not a possibly stale dist/. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', NODE_OPTIONS: '', ...extra }
  delete env.PHIAL_APP
  delete env.VITEST
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k]
  return env
}

export interface Started {
  proc: ChildProcess
  /** stdout + stderr so far. */
  output(): string
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const started = new Set<ChildProcess>()

/** Starts `phial <args>`. */
export function startPhial(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Started {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: childEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  })
  started.add(proc)
  let out = ''
  const waiters = new Set<() => void>()
  const onData = (chunk: Buffer): void => {
    out += chunk.toString()
    for (const w of waiters) w()
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      started.delete(proc)
      for (const w of waiters) w()
      resolve({ code, signal })
    })
  })
  return {
    proc,
    output: () => out,
    exited,
    waitFor(pattern, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(pattern)
          if (m) {
            cleanup()
            resolve(m)
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            cleanup()
            reject(new Error(`process exited before ${pattern} appeared:\n${out}`))
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${pattern}:\n${out}`))
        }, timeout)
        const cleanup = (): void => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
  }
}

/** Runs `phial <args>` to completion. */
export async function runPhial(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeout?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const p = startPhial(args, options)
  if (options.input !== undefined) p.proc.stdin!.end(options.input)
  else p.proc.stdin!.end()
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), options.timeout ?? 20_000)
  const { code } = await p.exited
  clearTimeout(timer)
  return { code, output: p.output() }
}

/** Kills every process started here, with its process group (workers, reloader children). */
export function killAll(): void {
  for (const proc of started) {
    try {
      if (proc.pid) process.kill(-proc.pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
  }
  started.clear()
}

/** A port that is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Whether a process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A GET over a new connection (so that the cluster spreads requests over workers). */
export function httpGet(
  url: string,
  options: { headers?: Record<string, string>; agent?: import('node:http').Agent | false } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: options.headers, agent: options.agent ?? false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** The pid a fixture worker answers with. */
export async function workerPid(base: string, agent?: import('node:http').Agent): Promise<number> {
  const { status, body } = await httpGet(`${base}/pid`, { agent })
  if (status !== 200) throw new Error(`GET /pid: ${status}`)
  return (JSON.parse(body) as { pid: number }).pid
}
