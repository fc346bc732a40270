/**
 * The `phial` command: loads the env files, finds the app when the command
 * needs it, and runs the command. bin/phial.mjs calls {@link main}; a
 * cluster worker started by `phial serve` runs the worker instead.
 */
import cluster from 'node:cluster'
import type { RunnableApp } from '../server/serve.ts'
import { runWorker } from '../server/production/worker.ts'
import { WORKER_CONFIG_ENV, type WorkerConfig } from '../server/production/config.ts'
import { CliError } from '../core/commands.ts'
import { scanGlobalOptions } from './argv.ts'
import { execute } from './bridge.ts'
import { loadApp } from './discovery.ts'
import { loadEnvFiles } from './env.ts'
import { BUILTIN_COMMANDS, buildProgram } from './program.ts'
import { ScriptInfo } from './script-info.ts'

/**
 * Options of {@link main}.
 *
 * @example
 * ```ts
 * await main(['routes'], { binPath: '/usr/lib/node_modules/phial/bin/phial.mjs' } satisfies MainOptions)
 * ```
 */
export interface MainOptions {
  /** bin/phial.mjs: the script child processes and workers run. */
  binPath?: string
  /** Default `process.cwd()`. */
  cwd?: string
}

const HELP = new Set(['help', '--help', '-h', undefined])

/**
 * Runs `phial <argv>` and resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), { binPath: fileURLToPath(import.meta.url) })
 * ```
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const workerConfig = process.env[WORKER_CONFIG_ENV]
  if (cluster.isWorker && workerConfig) {
    const config = JSON.parse(workerConfig) as WorkerConfig
    return runWorker(config, { loadApp: async (spec) => (await loadApp(spec)).app })
  }
  const cwd = options.cwd ?? process.cwd()
  const globals = scanGlobalOptions(argv)
  const baseEnv = { ...process.env }
  try {
    loadEnvFiles({ cwd, envFile: globals.envFile })
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`)
    return (err as CliError).exitCode ?? 2
  }
  const info = new ScriptInfo({ appSpec: globals.app ?? process.env.PHIAL_APP, envFile: globals.envFile, cwd, binPath: options.binPath, baseEnv })

  // The app's own commands are needed for anything that is not a built-in.
  let app: RunnableApp | null = null
  let appError: Error | null = null
  const command = globals.command
  const helpOnly = HELP.has(command) || argv.includes('--help') || argv.includes('--version')
  if (command === undefined || !BUILTIN_COMMANDS.has(command)) {
    try {
      app = await info.loadApp()
    } catch (err) {
      appError = err as Error
      if (!helpOnly) {
        process.stderr.write(`Error: ${appError.message}\n`)
        if (command !== undefined) process.stderr.write(`(needed to find the command '${command}'; built-in commands: ${[...BUILTIN_COMMANDS].join(', ')})\n`)
        return err instanceof CliError ? err.exitCode : 1
      }
    }
  }
  const program = buildProgram({ info, app, appError })
  if (command === undefined && !helpOnly) {
    program.outputHelp({ error: true })
    return 2
  }
  const { exitCode } = await execute(program, argv)
  return exitCode
}
