/**
 * `phial serve` processes for the scale-out test, each in its own process
 * group so that it dies with its workers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../../bin/phial.mjs', import.meta.url))

export interface Served {
  proc: ChildProcess
  base: string
  output(): string
}

const started = new Set<ChildProcess>()

/** Starts `phial --app <app> serve --port <port> --workers 1` and waits until it listens. */
export async function serve(app: string, port: number, env: Record<string, string>, timeout = 30_000): Promise<Served> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PHIAL_CLI_FROM_SOURCE: '1', NODE_OPTIONS: '', ...env }
  delete childEnv.VITEST
  delete childEnv.PHIAL_APP
  const proc = spawn(process.execPath, [BIN, '--app', app, 'serve', '--port', String(port), '--workers', '1'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  started.add(proc)
  let out = ''
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    const m = out.match(/Listening at (http:\/\/127\.0\.0\.1:\d+)/)
    if (m) return { proc, base: m[1]!, output: () => out }
    if (proc.exitCode !== null) throw new Error(`phial serve exited:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`phial serve did not listen within ${timeout} ms:\n${out}`)
}

/** Kills every server started here, with its workers. */
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
