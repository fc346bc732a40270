/**
 * What the built-in commands need to know about the invocation: how to load
 * the app, the global options to pass to child processes, and the `phial`
 * script itself (for the reloader and the cluster workers).
 */
import type { RunnableApp } from '../server/serve.ts'
import { loadApp } from './discovery.ts'

/**
 * Options of {@link ScriptInfo}.
 *
 * @example
 * ```ts
 * new ScriptInfo({ appSpec: 'app.ts:createApp()', binPath } satisfies ScriptInfoOptions)
 * ```
 */
export interface ScriptInfoOptions {
  /** The `--app` / `PHIAL_APP` value. */
  appSpec?: string
  /** The `--env-file` value. */
  envFile?: string
  /** Default `process.cwd()`. */
  cwd?: string
  /** The path of bin/phial.mjs (to start child processes). */
  binPath?: string
  /** An app that is already loaded (the test runner). */
  app?: RunnableApp
  /** The environment before the env files were loaded (child processes re-read them). */
  baseEnv?: NodeJS.ProcessEnv
}

/**
 * Flask's `ScriptInfo`: loads the app once, on demand.
 *
 * @example
 * ```ts
 * const info = new ScriptInfo({ appSpec: 'hello.ts' })
 * const app = await info.loadApp()
 * ```
 */
export class ScriptInfo {
  readonly appSpec: string | undefined
  readonly envFile: string | undefined
  readonly cwd: string
  readonly binPath: string | undefined
  readonly baseEnv: NodeJS.ProcessEnv
  #app: Promise<RunnableApp> | null

  constructor(options: ScriptInfoOptions = {}) {
    this.appSpec = options.appSpec
    this.envFile = options.envFile
    this.cwd = options.cwd ?? process.cwd()
    this.binPath = options.binPath
    this.baseEnv = options.baseEnv ?? process.env
    this.#app = options.app ? Promise.resolve(options.app) : null
  }

  /** Imports the app (once) and returns it; throws `NoAppError` when it cannot. @example const app = await info.loadApp() */
  loadApp(): Promise<RunnableApp> {
    return (this.#app ??= loadApp(this.appSpec, this.cwd).then((r) => r.app))
  }

  /**
   * The global options to give a child `phial` process so that it finds the
   * same app (the environment carries the rest).
   *
   * @example
   * ```ts
   * spawn(process.execPath, [info.binPath!, ...info.globalArgs(), 'run', '--no-reload'])
   * ```
   */
  globalArgs(): string[] {
    const args: string[] = []
    if (this.appSpec !== undefined) args.push('--app', this.appSpec)
    if (this.envFile !== undefined) args.push('--env-file', this.envFile)
    return args
  }
}
