/**
 * `app.testCliRunner()`: runs the app's commands in-process and captures
 * what they print (Flask's `FlaskCliRunner`).
 */
import { format } from 'node:util'
import type { RunnableApp } from '../server/serve.ts'
import type { CliResult } from '../core/command-types.ts'

/**
 * Options of {@link CliRunner.invoke}.
 *
 * @example
 * ```ts
 * await runner.invoke(['sync'], { env: { API_URL: 'http://localhost:9999' } } satisfies InvokeOptions)
 * ```
 */
export interface InvokeOptions {
  /** Environment variables set for the duration of the call (restored after). */
  env?: Record<string, string | undefined>
}

type Write = typeof process.stdout.write

/**
 * Invokes commands of an app as `phial <args>` would, without a process:
 * the app's commands and groups, blueprint commands and `routes`. Output
 * written to `process.stdout` / `process.stderr` and through `console.log`,
 * `info`, `debug`, `error` and `warn` is captured; run one invocation at a
 * time (the capture is global).
 *
 * @example
 * ```ts
 * const runner = app.testCliRunner()
 * const result = await runner.invoke(['init-db', '--force'])
 * expect(result.exitCode).toBe(0)
 * expect(result.output).toContain('Initialized the database.')
 * ```
 */
export class CliRunner {
  constructor(readonly app: RunnableApp) {}

  /**
   * Runs `phial <args>` against the app and returns the exit code and output.
   *
   * @example
   * ```ts
   * const { exitCode, output } = await app.testCliRunner().invoke(['user', 'create', 'alice'])
   * ```
   */
  async invoke(args: readonly string[], options: InvokeOptions = {}): Promise<CliResult> {
    const { buildProgram } = await import('./program.ts')
    const { execute } = await import('./bridge.ts')
    let stdout = ''
    let stderr = ''
    let output = ''
    const capture = (into: 'out' | 'err'): Write =>
      function write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        if (into === 'out') stdout += text
        else stderr += text
        output += text
        const done = typeof encoding === 'function' ? encoding : cb
        if (typeof done === 'function') queueMicrotask(() => (done as () => void)())
        return true
      } as Write
    const savedEnv: Record<string, string | undefined> = {}
    for (const [key, value] of Object.entries(options.env ?? {})) {
      savedEnv[key] = process.env[key]
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    const out = process.stdout.write
    const err = process.stderr.write
    process.stdout.write = capture('out')
    process.stderr.write = capture('err')
    // console may not write through process.stdout (test runners replace it)
    const methods = { log: 'out', info: 'out', debug: 'out', error: 'err', warn: 'err' } as const
    const saved = new Map<keyof typeof methods, (...args: unknown[]) => void>()
    for (const [name, into] of Object.entries(methods) as Array<[keyof typeof methods, 'out' | 'err']>) {
      saved.set(name, console[name])
      const write = capture(into)
      console[name] = (...args: unknown[]) => void write(format(...args) + '\n')
    }
    try {
      const program = buildProgram({ app: this.app, forTests: true })
      const result = await execute(program, args)
      return { exitCode: result.exitCode, output, stdout, stderr, exception: result.exception }
    } finally {
      process.stdout.write = out
      process.stderr.write = err
      for (const [name, fn] of saved) console[name] = fn
      for (const [key, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  }
}

/**
 * The test runner of an app (same as `app.testCliRunner()`).
 *
 * @example
 * ```ts
 * const { exitCode, output } = await testCliRunner(app).invoke(['seed', 'users', '--count', '3'])
 * ```
 */
export function testCliRunner(app: RunnableApp): CliRunner {
  return new CliRunner(app)
}
