/**
 * Real `phial` processes for the worker tests: each in its own process
 * group, killed with it by `killAll()`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../../bin/phial.mjs', import.meta.url))

export interface Proc {
  readonly proc: ChildProcess
  output(): string
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const started = new Set<ChildProcess>()

export function startPhial(args: string[], env: Record<string, string>): Proc {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', NODE_OPTIONS: '', ...env }
  delete childEnv.VITEST
  delete childEnv.PHIAL_APP
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  started.add(proc)
  let out = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer): void => {
    out += chunk.toString()
    for (const l of listeners) l()
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      started.delete(proc)
      for (const l of listeners) l()
      resolve({ code, signal })
    }),
  )
  return {
    proc,
    exited,
    output: () => out,
    waitFor(pattern, timeout = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeout)
        const check = (): void => {
          const m = out.match(pattern)
          if (m) done(null, m)
          else if (proc.exitCode !== null || proc.signalCode !== null) done(new Error(`exited before ${pattern}; output:\n${out}`))
        }
        const done = (err: Error | null, m?: RegExpMatchArray): void => {
          clearTimeout(timer)
          listeners.delete(check)
          if (err) reject(err)
          else resolve(m!)
        }
        listeners.add(check)
        check()
      })
    },
  }
}

export async function runPhial(args: string[], env: Record<string, string>, timeout = 30_000): Promise<{ code: number | null; output: string }> {
  const p = startPhial(args, env)
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), timeout)
  const { code } = await p.exited
  clearTimeout(timer)
  return { code, output: p.output() }
}

export function killAll(): void {
  for (const proc of started) {
    try {
      if (proc.pid) process.kill(-proc.pid, 'SIGKILL')
    } catch {
      /* gone already */
    }
  }
  started.clear()
}
