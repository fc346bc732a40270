/**
 * The `phial` commander program: global options, the built-in commands and
 * the app's own commands.
 */
import { createRequire } from 'node:module'
import { Command } from 'commander'
import type { RunnableApp } from '../server/serve.ts'
import { attachGroup } from './bridge.ts'
import { registerRoutesCommand } from './commands/routes.ts'
import { registerRunCommand } from './commands/run.ts'
import { registerServeCommand } from './commands/serve.ts'
import { registerShellCommand } from './commands/shell.ts'
import { ScriptInfo } from './script-info.ts'

/**
 * The built-in commands; an app's command of the same name is hidden.
 *
 * @example
 * ```ts
 * BUILTIN_COMMANDS.has('routes') // true
 * ```
 */
export const BUILTIN_COMMANDS: ReadonlySet<string> = new Set(['run', 'routes', 'shell', 'serve'])

/**
 * Options of {@link buildProgram}.
 *
 * @example
 * ```ts
 * buildProgram({ info: new ScriptInfo({ appSpec: 'app.ts' }), app } satisfies ProgramOptions)
 * ```
 */
export interface ProgramOptions {
  /** How the built-ins find the app. */
  info?: ScriptInfo
  /** The loaded app, whose commands are added. */
  app?: RunnableApp | null
  /** Why the app could not be loaded (shown under the help). */
  appError?: Error | null
  /** The test runner's program: only `routes` among the built-ins. */
  forTests?: boolean
}

function version(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/**
 * Builds the program. It throws `CommanderError` instead of exiting (see
 * `execute`).
 *
 * @example
 * ```ts
 * const program = buildProgram({ info, app })
 * const { exitCode } = await execute(program, ['routes'])
 * ```
 */
export function buildProgram(options: ProgramOptions = {}): Command {
  const app = options.app ?? null
  const info = options.info ?? new ScriptInfo(app ? { app } : {})
  const program = new Command('phial')
    .description('Phial: Flask for TypeScript. Run the app, show its routes, open a shell, or run its commands.')
    .version(version(), '--version', 'show the Phial version')
    .option('-A, --app <spec>', "the app: 'file.ts', 'file.ts:app' or 'file.ts:createApp()' (env PHIAL_APP)")
    .option('-e, --env-file <file>', 'load environment variables from this file (before .env and .phialenv)')
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
  program.addHelpText(
    'after',
    "\nWithout --app, Phial looks for app.ts, app.js, src/app.ts or src/app.js exporting 'app' or 'createApp'.",
  )
  if (options.appError) program.addHelpText('after', `\nError: could not load the app: ${options.appError.message}`)
  if (!options.forTests) registerRunCommand(program, info)
  registerRoutesCommand(program, info)
  if (!options.forTests) {
    registerShellCommand(program, info)
    registerServeCommand(program, info)
  }
  if (app) attachGroup(program, app.cli, app, BUILTIN_COMMANDS)
  return program
}
