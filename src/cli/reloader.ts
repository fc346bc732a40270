/**
 * The development reloader (Werkzeug's): the app runs in a child process
 * (`phial run --no-reload` with `PHIAL_RUN_MAIN=true`); when a watched file
 * changes, the child is stopped and a new one started on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { relative } from 'node:path'
import { watchSources } from './watch.ts'

/**
 * Options of {@link runWithReloader}.
 *
 * @example
 * ```ts
 * await runWithReloader({ binPath, childArgs: ['run', '--no-reload'], roots: ['.'] } satisfies ReloaderOptions)
 * ```
 */
export interface ReloaderOptions {
  /** bin/phial.mjs */
  binPath: string
  /** The child's arguments (`--app x run --no-reload --port 5000 ...`). */
  childArgs: readonly string[]
  /** Folders to watch with their sub-folders. */
  roots: readonly string[]
  /** Files to watch too (`--extra-files`). */
  extraFiles?: readonly string[]
  /** The child's environment (default `process.env`); `PHIAL_RUN_MAIN=true` is added. */
  env?: NodeJS.ProcessEnv
  /** Prints a line (default: stderr). */
  log?: (message: string) => void
  /** Wait after the last change before restarting, ms (default 100). */
  debounce?: number
}

/**
 * Set in the child the reloader starts.
 *
 * @example
 * ```ts
 * process.env[RUN_MAIN_ENV] // 'true' in the reloader's child
 * ```
 */
export const RUN_MAIN_ENV = 'PHIAL_RUN_MAIN'

/**
 * True in the app process under the reloader.
 *
 * @example
 * ```ts
 * if (isReloaderChild()) console.log('started by the reloader')
 * ```
 */
export function isReloaderChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[RUN_MAIN_ENV] === 'true'
}

function stopChild(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Runs the app in a child and restarts it on changes until SIGINT/SIGTERM;
 * resolves with 0 then.
 *
 * @example
 * ```ts
 * await runWithReloader({ binPath, childArgs: ['run', '--no-reload', '--debug'], roots: [process.cwd()] })
 * ```
 */
export function runWithReloader(options: ReloaderOptions): Promise<number> {
  const log = options.log ?? ((m: string) => process.stderr.write(` * ${m}\n`))
  const env = { ...(options.env ?? process.env), [RUN_MAIN_ENV]: 'true' }
  let child: ChildProcess | null = null
  let stopping = false
  let restarting: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | null = null
  let changed: string | null = null

  const start = (): void => {
    const proc = spawn(process.execPath, [...process.execArgv, options.binPath, ...options.childArgs], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env,
    })
    child = proc
    proc.on('exit', (code, signal) => {
      if (child !== proc) return
      child = null
      if (!stopping) log(`The app stopped (${signal ?? `exit code ${code}`}); waiting for a file change to start it again`)
    })
  }

  const restart = (path: string): void => {
    restarting = restarting.then(async () => {
      if (stopping) return
      log(`Detected change in '${relative(process.cwd(), path) || path}', reloading`)
      const old = child
      child = null
      await stopChild(old)
      if (!stopping) start()
    })
  }

  const watcher = watchSources({
    roots: options.roots,
    files: options.extraFiles,
    onChange(path) {
      changed ??= path
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => {
        timer = null
        const p = changed as string
        changed = null
        restart(p)
      }, options.debounce ?? 100)
    },
  })
  log(`Restarting with a file watcher (${watcher.size} folder${watcher.size === 1 ? '' : 's'})`)
  start()

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      if (stopping) return
      stopping = true
      if (timer) clearTimeout(timer)
      watcher.close()
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void restarting.then(() => stopChild(child)).then(() => resolve(0))
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
